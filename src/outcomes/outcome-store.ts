import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { SmsRecord } from '../sms/index.js';
import type { Outcome } from './outcome.js';

/** A year of a busy desk's closed suggestions; the report reads a time range of it. */
const OUTCOMES_MAXLEN = 2_000_000;
/** Contacts are kept long enough to answer "did they come back within 72 h" for any outcome kept. */
const CONTACTS_RETENTION_MS = 90 * 24 * 3_600_000;

export function createOutcomeStore(redis: Redis, keys: RedisKeys) {
  return {
    async record(...outcomes: Outcome[]): Promise<void> {
      if (outcomes.length === 0) return;
      const pipeline = redis.pipeline();
      for (const outcome of outcomes)
        pipeline.xadd(
          keys.outcomes(),
          'MAXLEN',
          '~',
          String(OUTCOMES_MAXLEN),
          '*',
          'outcome',
          JSON.stringify(outcome),
        );
      await pipeline.exec();
    },
    /** A subscriber got in touch (a conversation opened): "came back" is measured against these. */
    async contact(subscriberId: string, at: number): Promise<void> {
      await redis
        .multi()
        .zadd(keys.contacts(subscriberId), at, String(at))
        .zremrangebyscore(keys.contacts(subscriberId), '-inf', at - CONTACTS_RETENTION_MS)
        .pexpire(keys.contacts(subscriberId), CONTACTS_RETENTION_MS)
        .exec();
    },
    /** Outcomes recorded in [from, to). */
    async range(from: number, to: number, limit = 500_000): Promise<Outcome[]> {
      const out: Outcome[] = [];
      let start = String(from);
      for (;;) {
        const batch = await redis.xrange(keys.outcomes(), start, `(${to}`, 'COUNT', 5000);
        for (const [, fields] of batch) out.push(JSON.parse(fields[1] ?? '{}') as Outcome);
        if (batch.length < 5000 || out.length >= limit) return out;
        start = `(${batch.at(-1)?.[0] ?? start}`;
      }
    },
    /** For each subscriber, the times of their contacts in [from, to]. */
    async contacts(
      subscriberIds: readonly string[],
      from: number,
      to: number,
    ): Promise<Map<string, number[]>> {
      const result = new Map<string, number[]>();
      const ids = [...new Set(subscriberIds)];
      for (let i = 0; i < ids.length; i += 1000) {
        const slice = ids.slice(i, i + 1000);
        const pipeline = redis.pipeline();
        for (const id of slice) pipeline.zrangebyscore(keys.contacts(id), from, to);
        const replies = (await pipeline.exec()) ?? [];
        slice.forEach((id, j) =>
          result.set(id, ((replies[j]?.[1] as string[] | undefined) ?? []).map(Number)),
        );
      }
      return result;
    },
    /** Outage SMS queued in [from, to): the report's SMS section. */
    smsRecords: (from: number, to: number): Promise<SmsRecord[]> => smsRecordsIn(redis, keys, from, to),
  };
}

/** Reads the SMS records by a scan of their hash (one per incident, subscriber and kind). */
async function smsRecordsIn(redis: Redis, keys: RedisKeys, from: number, to: number): Promise<SmsRecord[]> {
  const out: SmsRecord[] = [];
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(keys.smsRecords(), cursor, 'COUNT', 2000);
    cursor = next;
    for (let i = 1; i < flat.length; i += 2) {
      const record = JSON.parse(flat[i] as string) as SmsRecord;
      if (record.queuedAt >= from && record.queuedAt < to) out.push(record);
    }
  } while (cursor !== '0');
  return out;
}

export type OutcomeStore = ReturnType<typeof createOutcomeStore>;
