import type { Redis } from 'ioredis';
import { appendEvent } from '../events/event-log.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { SuggestionWrites } from './reconcile-suggestions.js';
import type { SuggestionRecord } from './suggestion-record.js';

/** Closed suggestions are kept for outcome reports (a subscriber coming back within 72 h), then trimmed. */
const CLOSED_RETENTION_MS = 7 * 24 * 3_600_000;

export interface SuggestionStore {
  get(id: string): Promise<SuggestionRecord | undefined>;
  records(ids: readonly string[]): Promise<Map<string, SuggestionRecord>>;
  /** Each device's live suggestion ids. */
  liveIds(deviceIds: readonly string[]): Promise<Map<string, Set<string>>>;
  /** Each device's live suggestions, most urgent first. */
  liveFor(deviceIds: readonly string[]): Promise<Map<string, SuggestionRecord[]>>;
  /** Every device that has live suggestions (a SCAN: for a restarting advisor, not for requests). */
  devicesWithLive(): Promise<string[]>;
  /** Writes a batch of devices' reconciled suggestions and their events in one round trip. */
  write(writes: ReadonlyMap<string, SuggestionWrites>, now: number): Promise<void>;
  /** Stores one record changed outside the advisor (accept, dismiss, action) and announces it. */
  put(record: SuggestionRecord, event?: Parameters<typeof appendEvent>[2]): Promise<void>;
}

export function createSuggestionStore(redis: Redis, keys: RedisKeys): SuggestionStore {
  const recordsKey = keys.suggestionRecords();

  const records = async (ids: readonly string[]): Promise<Map<string, SuggestionRecord>> => {
    const result = new Map<string, SuggestionRecord>();
    if (ids.length === 0) return result;
    const values = await redis.hmget(recordsKey, ...ids);
    values.forEach((json, i) => {
      if (json !== null) result.set(ids[i] as string, JSON.parse(json) as SuggestionRecord);
    });
    return result;
  };

  const liveIds = async (deviceIds: readonly string[]): Promise<Map<string, Set<string>>> => {
    const result = new Map<string, Set<string>>();
    if (deviceIds.length === 0) return result;
    const pipeline = redis.pipeline();
    for (const id of deviceIds) pipeline.smembers(keys.deviceSuggestions(id));
    const replies = (await pipeline.exec()) ?? [];
    deviceIds.forEach((id, i) => {
      const [error, members] = replies[i] ?? [];
      if (error) throw error;
      result.set(id, new Set(members as string[]));
    });
    return result;
  };

  return {
    get: async (id) => (await records([id])).get(id),
    records,
    liveIds,

    async liveFor(deviceIds) {
      const ids = await liveIds(deviceIds);
      const all = await records([...ids.values()].flatMap((set) => [...set]));
      const result = new Map<string, SuggestionRecord[]>();
      for (const [deviceId, set] of ids) {
        const list = [...set].flatMap((id) => {
          const record = all.get(id);
          return record ? [record] : [];
        });
        result.set(
          deviceId,
          list.sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id)),
        );
      }
      return result;
    },

    async devicesWithLive() {
      const prefix = keys.deviceSuggestions('');
      const devices: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        devices.push(...found.map((key) => key.slice(prefix.length)));
      } while (cursor !== '0');
      return [...new Set(devices)];
    },

    async write(writes, now) {
      const pipeline = redis.pipeline();
      let commands = 0;
      for (const [deviceId, w] of writes) {
        for (const record of w.records) {
          pipeline.hset(recordsKey, record.id, JSON.stringify(record));
          commands += 1;
        }
        if (w.live.add.length > 0) pipeline.sadd(keys.deviceSuggestions(deviceId), ...w.live.add);
        if (w.live.remove.length > 0) pipeline.srem(keys.deviceSuggestions(deviceId), ...w.live.remove);
        for (const id of w.closed) pipeline.zadd(keys.closedSuggestions(), now, id);
        for (const event of w.events) appendEvent(pipeline, keys, event);
        commands += w.live.add.length + w.live.remove.length + w.closed.length + w.events.length;
      }
      if (commands === 0) return;
      await pipeline.exec();
    },

    async put(record, event) {
      const pipeline = redis.pipeline();
      pipeline.hset(recordsKey, record.id, JSON.stringify(record));
      if (event) appendEvent(pipeline, keys, event);
      await pipeline.exec();
    },
  };
}

/** Drops closed records past their retention (unless the same cause made them live again). */
export async function trimClosedSuggestions(redis: Redis, keys: RedisKeys, now: number): Promise<number> {
  const old = await redis.zrangebyscore(
    keys.closedSuggestions(),
    0,
    now - CLOSED_RETENTION_MS,
    'LIMIT',
    0,
    1000,
  );
  if (old.length === 0) return 0;
  const values = await redis.hmget(keys.suggestionRecords(), ...old);
  const gone = old.filter((_, i) => {
    const json = values[i];
    if (json === null || json === undefined) return true;
    const record = JSON.parse(json) as SuggestionRecord;
    return record.closedAt !== undefined && record.closedAt <= now - CLOSED_RETENTION_MS;
  });
  const pipeline = redis.pipeline();
  pipeline.zrem(keys.closedSuggestions(), ...old);
  if (gone.length > 0) pipeline.hdel(keys.suggestionRecords(), ...gone);
  await pipeline.exec();
  return gone.length;
}
