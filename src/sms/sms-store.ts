import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { SmsRecord } from './sms-record.js';

/** How many of a subscriber's SMS the diagnosis keeps (newest first). */
const PER_SUBSCRIBER = 20;
/** Records read per HMGET when reading a whole incident's (up to VIGIL_SMS_MAX_PER_INCIDENT × 3). */
const CHUNK = 1_000;

/** Takes up to ARGV[2] due keys and pushes them out to ARGV[3] (a lease), so no other worker takes them too. */
const LEASE_DUE = `
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, key in ipairs(keys) do redis.call('ZADD', KEYS[1], ARGV[3], key) end
return keys`;

/** Files a receipt on its record (read-modify-write in one step, as parts' receipts may race). */
const FILE_RECEIPT = `
local key = redis.call('HGET', KEYS[2], ARGV[1])
if not key then return 0 end
local raw = redis.call('HGET', KEYS[1], key)
if not raw then return 0 end
local record = cjson.decode(raw)
if type(record.receipts) ~= 'table' then record.receipts = {} end
record.receipts[ARGV[1]] = ARGV[2]
redis.call('HSET', KEYS[1], key, cjson.encode(record))
return 1`;

/**
 * The claim before a submit, only on a record still queued: one the resolution dropped (or any final
 * one) is never submitted. Returns 1 (claimed), the holder of an earlier claim, or nil (not queued).
 */
const CLAIM = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw or cjson.decode(raw).state ~= 'queued' then return false end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then return 1 end
return redis.call('HGET', KEYS[2], ARGV[1])`;

/**
 * Drops records still queued and unclaimed, in one step with CLAIM: a record a sender claimed is in
 * its submit and keeps the outcome the sender records (writing "dropped" over it would hide an SMS that
 * went out, and its "restored"). Returns the keys dropped.
 */
const DROP_QUEUED = `
local dropped = {}
for i = 2, #ARGV do
  local key = ARGV[i]
  if redis.call('HEXISTS', KEYS[2], key) == 0 then
    local raw = redis.call('HGET', KEYS[1], key)
    if raw then
      local record = cjson.decode(raw)
      if record.state == 'queued' then
        record.state = 'dropped'
        record.reason = ARGV[1]
        redis.call('HSET', KEYS[1], key, cjson.encode(record))
        redis.call('ZREM', KEYS[3], key)
        dropped[#dropped + 1] = key
      end
    end
  end
end
return dropped`;

/**
 * A record's final state, unless the record is gone: an incident forgotten (its root failed again)
 * while one of its SMS was in its submit must not come back as a stray record its new outage reads.
 */
const FINISH = `
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 3, #ARGV do redis.call('HSET', KEYS[3], ARGV[i], ARGV[1]) end
return 1`;

const parse = (raw: string | null): SmsRecord | undefined =>
  raw === null ? undefined : (JSON.parse(raw) as SmsRecord);

/**
 * Where outage SMS live in Redis: one record per incident, subscriber and kind (HSETNX, so queueing
 * twice is a no-op), the send queue as a sorted set by due time, and a claim per record written just
 * before its submit: a record claimed is never submitted again, whoever restarts.
 */
export function createSmsStore(redis: Redis, keys: RedisKeys): SmsStore {
  return new SmsStore(redis, keys);
}

export class SmsStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Queues the records not queued before; returns those it created. */
  async queue(records: readonly SmsRecord[]): Promise<SmsRecord[]> {
    if (records.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const r of records) pipeline.hsetnx(this.keys.smsRecords(), r.key, JSON.stringify(r));
    const created = (await pipeline.exec())?.map(([, v]) => v === 1) ?? [];
    const fresh = records.filter((_, i) => created[i]);
    const writes = this.redis.pipeline();
    for (const r of fresh) {
      writes.zadd(this.keys.smsDue(), r.dueAt, r.key);
      writes.sadd(this.keys.smsOfIncident(r.incidentId), r.key);
      writes.lpush(this.keys.smsOfSubscriber(r.subscriberId), r.key);
      writes.ltrim(this.keys.smsOfSubscriber(r.subscriberId), 0, PER_SUBSCRIBER - 1);
    }
    if (fresh.length > 0) await writes.exec();
    return fresh;
  }
  async get(recordKeys: readonly string[]): Promise<(SmsRecord | undefined)[]> {
    if (recordKeys.length === 0) return [];
    return (await this.redis.hmget(this.keys.smsRecords(), ...recordKeys)).map(parse);
  }
  /** Due keys (up to `limit`), leased to this caller until `leaseUntil`. */
  async leaseDue(now: number, limit: number, leaseUntil: number): Promise<string[]> {
    return (await this.redis.eval(LEASE_DUE, 1, this.keys.smsDue(), now, limit, leaseUntil)) as string[];
  }
  /** Puts a key back in the queue at `at` (a retry, or a claim another worker still holds). */
  async requeue(key: string, at: number): Promise<void> {
    await this.redis.zadd(this.keys.smsDue(), at, key);
  }
  /** Takes a key off the queue (its record is final already, or gone). */
  async unqueue(key: string): Promise<void> {
    await this.redis.zrem(this.keys.smsDue(), key);
  }
  /**
   * The claim before a submit: true when this caller holds it, who holds it ("<worker>@<ms>") when
   * another does, or null when the record is no longer queued (dropped meanwhile, or gone).
   */
  async claim(key: string, claimant: string): Promise<true | string | null> {
    const claimed = (await this.redis.eval(
      CLAIM,
      2,
      this.keys.smsRecords(),
      this.keys.smsClaims(),
      key,
      claimant,
    )) as number | string | null;
    return claimed === 1 ? true : claimed === null ? null : String(claimed);
  }
  /** Undoes a claim whose submit surely sent nothing (not bound, throttled), to try again at `at`. */
  async release(key: string, at: number): Promise<void> {
    await this.redis.pipeline().hdel(this.keys.smsClaims(), key).zadd(this.keys.smsDue(), at, key).exec();
  }
  /** Marks dropped, with `reason`, those of `recordKeys` still queued and unclaimed; returns them. */
  async dropQueued(recordKeys: readonly string[], reason: string): Promise<string[]> {
    const dropped: string[] = [];
    for (let i = 0; i < recordKeys.length; i += CHUNK) {
      const chunk = recordKeys.slice(i, i + CHUNK);
      const keys = [this.keys.smsRecords(), this.keys.smsClaims(), this.keys.smsDue()];
      dropped.push(...((await this.redis.eval(DROP_QUEUED, 3, ...keys, reason, ...chunk)) as string[]));
    }
    return dropped;
  }
  /** Writes the record's final state and takes it off the queue; false when the record is gone. */
  async finish(record: SmsRecord): Promise<boolean> {
    const keys = [this.keys.smsRecords(), this.keys.smsDue(), this.keys.smsByMessageId()];
    const args = [record.key, JSON.stringify(record), ...(record.messageIds ?? [])];
    return (await this.redis.eval(FINISH, 3, ...keys, ...args)) === 1;
  }
  /** Files a delivery receipt; false when its message id is not (yet) known. */
  async fileReceipt(messageId: string, state: string): Promise<boolean> {
    const filed = await this.redis.eval(
      FILE_RECEIPT,
      2,
      this.keys.smsRecords(),
      this.keys.smsByMessageId(),
      messageId,
      state,
    );
    return filed === 1;
  }
  /** Counts `n` more outage notices for an incident; returns the count before them. */
  async countNotices(incidentId: string, n: number): Promise<number> {
    return (await this.redis.hincrby(this.keys.smsIncidentCounts(), incidentId, n)) - n;
  }
  /** Every SMS record of one incident (notices, ETA updates, restored), read a chunk at a time. */
  async ofIncident(incidentId: string): Promise<SmsRecord[]> {
    const recordKeys = await this.redis.smembers(this.keys.smsOfIncident(incidentId));
    const records: SmsRecord[] = [];
    for (let i = 0; i < recordKeys.length; i += CHUNK)
      for (const r of await this.get(recordKeys.slice(i, i + CHUNK))) if (r) records.push(r);
    return records;
  }
  /** A subscriber's SMS, newest first. */
  async ofSubscriber(subscriberId: string): Promise<SmsRecord[]> {
    const recordKeys = await this.redis.lrange(
      this.keys.smsOfSubscriber(subscriberId),
      0,
      PER_SUBSCRIBER - 1,
    );
    return (await this.get(recordKeys)).filter((r): r is SmsRecord => r !== undefined);
  }
}
