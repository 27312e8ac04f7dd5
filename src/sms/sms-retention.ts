import type { Redis } from 'ioredis';
import { RESOLVED_INCIDENT_RETENTION_MS } from '../correlation/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { SmsRecord } from './sms-record.js';

/** Records removed per round trip, and incidents trimmed per call (the next resolution trims the rest). */
const CHUNK = 1_000;
const INCIDENTS_PER_TRIM = 100;

export interface SmsRetention {
  /** The incident resolved at `at`: its SMS are kept as long as the resolved incident itself is. */
  resolved(incidentId: string, at: number): Promise<void>;
  /** The incident is pending or open (again): its SMS stay while it lasts. */
  active(incidentId: string): Promise<void>;
  /**
   * An incident opened at `openedAt`: when its id (`outage:<root>`) last resolved before that, this is a
   * new outage of the same root, and the earlier one's SMS are forgotten — as its incident record is
   * replaced — so the subscribers are told again. A replay of the earlier opening changes nothing.
   * Returns the records removed.
   */
  opened(incidentId: string, openedAt: number): Promise<number>;
  /** Forgets the SMS of incidents resolved longer than the retention before `now`; returns the records removed. */
  trim(now: number): Promise<number>;
}

/**
 * SMS records are kept by the rule resolved incidents are kept by (RESOLVED_INCIDENT_RETENTION_MS
 * after the resolution, trimmed when another incident resolves): a subscriber's "told at 14:02" lives
 * as long as the incident it speaks of, and the records do not grow without bound. An incident is
 * forgotten with everything that points at its records: the claims, the message ids receipts are filed
 * by, the subscribers' lists, its notice count and its index.
 */
export function createSmsRetention(redis: Redis, keys: RedisKeys): SmsRetention {
  async function forget(incidentId: string): Promise<number> {
    const recordKeys = await redis.smembers(keys.smsOfIncident(incidentId));
    for (let i = 0; i < recordKeys.length; i += CHUNK) {
      const chunk = recordKeys.slice(i, i + CHUNK);
      const records = (await redis.hmget(keys.smsRecords(), ...chunk)).flatMap((raw) =>
        raw === null ? [] : [JSON.parse(raw) as SmsRecord],
      );
      const pipeline = redis.pipeline();
      pipeline.hdel(keys.smsRecords(), ...chunk);
      pipeline.hdel(keys.smsClaims(), ...chunk);
      pipeline.zrem(keys.smsDue(), ...chunk);
      const messageIds = records.flatMap((r) => r.messageIds ?? []);
      if (messageIds.length > 0) pipeline.hdel(keys.smsByMessageId(), ...messageIds);
      for (const r of records) pipeline.lrem(keys.smsOfSubscriber(r.subscriberId), 0, r.key);
      await pipeline.exec();
    }
    await redis
      .pipeline()
      .del(keys.smsOfIncident(incidentId))
      .hdel(keys.smsIncidentCounts(), incidentId)
      .zrem(keys.smsResolvedIncidents(), incidentId)
      .exec();
    return recordKeys.length;
  }

  return {
    async resolved(incidentId, at) {
      await redis.zadd(keys.smsResolvedIncidents(), at, incidentId);
    },
    async active(incidentId) {
      await redis.zrem(keys.smsResolvedIncidents(), incidentId);
    },
    async opened(incidentId, openedAt) {
      const resolvedAt = await redis.zscore(keys.smsResolvedIncidents(), incidentId);
      return resolvedAt !== null && openedAt > Number(resolvedAt) ? forget(incidentId) : 0;
    },
    async trim(now) {
      const old = await redis.zrangebyscore(
        keys.smsResolvedIncidents(),
        0,
        now - RESOLVED_INCIDENT_RETENTION_MS,
        'LIMIT',
        0,
        INCIDENTS_PER_TRIM,
      );
      let removed = 0;
      for (const incidentId of old) removed += await forget(incidentId);
      return removed;
    },
  };
}
