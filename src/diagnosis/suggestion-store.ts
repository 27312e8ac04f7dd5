import type { ChainableCommander, Redis } from 'ioredis';
import { EVENTS_MAXLEN } from '../events/event-log.js';
import type { VigilEvent } from '../events/vigil-event.js';
import { seriesField } from '../platform/fleet-counters.js';
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
  /**
   * Writes a batch of devices' reconciled suggestions and their events in one round trip. Each record
   * is written only if nobody changed it since it was read (its version); returns the devices where
   * somebody had (an agent accepted meanwhile): plan them again.
   */
  write(writes: ReadonlyMap<string, SuggestionWrites>, now: number): Promise<Set<string>>;
  /**
   * One change made outside the advisor (accept, dismiss, an action's progress), with its event,
   * written only if the record is still at the version it was read at. False when it was not.
   */
  transition(
    record: SuggestionRecord,
    options?: { event?: VigilEvent; live?: 'add' | 'remove'; closed?: boolean },
  ): Promise<boolean>;
}

/**
 * Writes one record if its stored version is the one it was read at (one less than the record's),
 * with its event and live-set and retention changes, atomically: either all of it happens or none.
 * An accepted record enters the accepted index in the same write (and leaves it when it moves on), so
 * an accept whose action was never queued (a crash right after the compare-and-set) is found.
 */
const WRITE_IF_VERSION = `
local current = redis.call('HGET', KEYS[2], ARGV[1]) or '0'
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
if ARGV[5] == 'add' then redis.call('SADD', KEYS[4], ARGV[1]) elseif ARGV[5] == 'remove' then redis.call('SREM', KEYS[4], ARGV[1]) end
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[5], ARGV[6], ARGV[1]) end
if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[12], '*', 'type', ARGV[7], 'at', ARGV[8], 'subscribers', ARGV[9], 'devices', ARGV[10], 'data', ARGV[11])
end
if ARGV[13] ~= '' then redis.call('HINCRBY', KEYS[6], ARGV[13], 1) end
if ARGV[14] == 'add' then redis.call('ZADD', KEYS[7], ARGV[15], ARGV[1]) elseif ARGV[14] == 'remove' then redis.call('ZREM', KEYS[7], ARGV[1]) end
return 1`;

interface StoreContext {
  redis: Redis;
  keys: RedisKeys;
}

export function createSuggestionStore(redis: Redis, keys: RedisKeys): SuggestionStore {
  const ctx: StoreContext = { redis, keys };
  return {
    get: async (id) => (await readRecords(ctx, [id])).get(id),
    records: (ids) => readRecords(ctx, ids),
    liveIds: (deviceIds) => readLiveIds(ctx, deviceIds),
    liveFor: (deviceIds) => readLiveFor(ctx, deviceIds),
    devicesWithLive: () => scanDevicesWithLive(ctx),
    write: (writes, now) => writeReconciled(ctx, writes, now),
    transition: (record, options) => writeTransition(ctx, record, options),
  };
}

async function readRecords(
  ctx: StoreContext,
  ids: readonly string[],
): Promise<Map<string, SuggestionRecord>> {
  const result = new Map<string, SuggestionRecord>();
  if (ids.length === 0) return result;
  const values = await ctx.redis.hmget(ctx.keys.suggestionRecords(), ...ids);
  values.forEach((json, i) => {
    if (json !== null) result.set(ids[i] as string, JSON.parse(json) as SuggestionRecord);
  });
  return result;
}

async function readLiveIds(
  ctx: StoreContext,
  deviceIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  if (deviceIds.length === 0) return result;
  const pipeline = ctx.redis.pipeline();
  for (const id of deviceIds) pipeline.smembers(ctx.keys.deviceSuggestions(id));
  const replies = (await pipeline.exec()) ?? [];
  deviceIds.forEach((id, i) => {
    const [error, members] = replies[i] ?? [];
    if (error) throw error;
    result.set(id, new Set(members as string[]));
  });
  return result;
}

async function readLiveFor(
  ctx: StoreContext,
  deviceIds: readonly string[],
): Promise<Map<string, SuggestionRecord[]>> {
  const ids = await readLiveIds(ctx, deviceIds);
  const all = await readRecords(
    ctx,
    [...ids.values()].flatMap((set) => [...set]),
  );
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
}

async function scanDevicesWithLive(ctx: StoreContext): Promise<string[]> {
  const prefix = ctx.keys.deviceSuggestions('');
  const devices: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await ctx.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    devices.push(...found.map((key) => key.slice(prefix.length)));
  } while (cursor !== '0');
  return [...new Set(devices)];
}

async function writeReconciled(
  ctx: StoreContext,
  writes: ReadonlyMap<string, SuggestionWrites>,
  now: number,
): Promise<Set<string>> {
  const pipeline = ctx.redis.pipeline();
  const owners: string[] = [];
  for (const [deviceId, w] of writes) {
    const written = new Set<string>();
    for (const record of w.records) {
      written.add(record.id);
      const event = w.events.find((e) => (e.data as { id?: string }).id === record.id);
      const live = w.live.add.includes(record.id) ? 'add' : w.live.remove.includes(record.id) ? 'remove' : '';
      writeIfVersion(ctx, pipeline, record, deviceId, {
        live,
        closedAt: w.closed.includes(record.id) ? now : undefined,
        event,
        countState: event?.type !== 'suggestion.updated',
      });
      owners.push(deviceId);
    }
    // Live-set changes without a record change (a dismissed one leaving, a lost member put back).
    const add = w.live.add.filter((id) => !written.has(id));
    const remove = w.live.remove.filter((id) => !written.has(id));
    if (add.length > 0) pipeline.sadd(ctx.keys.deviceSuggestions(deviceId), ...add);
    if (remove.length > 0) pipeline.srem(ctx.keys.deviceSuggestions(deviceId), ...remove);
  }
  if (pipeline.length === 0) return new Set();
  const replies = (await pipeline.exec()) ?? [];
  const conflicts = new Set<string>();
  owners.forEach((deviceId, i) => {
    const [error, applied] = replies[i] ?? [];
    if (error) throw error;
    if (applied !== 1) conflicts.add(deviceId);
  });
  return conflicts;
}

async function writeTransition(
  ctx: StoreContext,
  record: SuggestionRecord,
  options: { event?: VigilEvent; live?: 'add' | 'remove'; closed?: boolean } = {},
): Promise<boolean> {
  const pipeline = ctx.redis.pipeline();
  writeIfVersion(ctx, pipeline, record, record.deviceId, {
    live: options.live ?? '',
    closedAt: options.closed ? record.updatedAt : undefined,
    event: options.event,
    countState: true,
  });
  const [[error, applied] = []] = (await pipeline.exec()) ?? [];
  if (error) throw error;
  return applied === 1;
}

function writeIfVersion(
  ctx: StoreContext,
  pipeline: ChainableCommander,
  record: SuggestionRecord,
  deviceId: string,
  options: { live: string; closedAt: number | undefined; event: VigilEvent | undefined; countState: boolean },
): void {
  const { keys } = ctx;
  const { event } = options;
  // A new state (not an edit of the text) counts in vigil_suggestions_total.
  const counted = options.countState
    ? seriesField('vigil_suggestions_total', { kind: record.kind, state: record.state })
    : '';
  pipeline.eval(
    WRITE_IF_VERSION,
    7,
    keys.suggestionRecords(),
    keys.suggestionVersions(),
    keys.events(),
    keys.deviceSuggestions(deviceId),
    keys.closedSuggestions(),
    keys.metricCounters(),
    keys.acceptedSuggestions(),
    record.id,
    String(record.version - 1),
    String(record.version),
    JSON.stringify(record),
    options.live,
    options.closedAt === undefined ? '' : String(options.closedAt),
    event?.type ?? '',
    event ? String(event.at) : '',
    event ? event.subscriberIds.join(',') : '',
    event ? event.deviceIds.join(',') : '',
    event ? JSON.stringify(event.data) : '',
    String(EVENTS_MAXLEN),
    counted,
    acceptedIndex(record.state),
    String(record.updatedAt),
  );
}

/** Proposed records are never in the accepted index; every state after accepted leaves it. */
function acceptedIndex(state: SuggestionRecord['state']): 'add' | 'remove' | '' {
  if (state === 'accepted') return 'add';
  return state === 'proposed' ? '' : 'remove';
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
  if (gone.length > 0) {
    pipeline.hdel(keys.suggestionRecords(), ...gone);
    pipeline.hdel(keys.suggestionVersions(), ...gone);
  }
  await pipeline.exec();
  return gone.length;
}
