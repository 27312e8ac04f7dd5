import type { Redis } from 'ioredis';
import type { Incident } from '../correlation/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { SmsRecord } from './sms-record.js';

/** Records read per HSCAN step (and indexed per round trip). */
const SCAN_COUNT = 1_000;

export interface LegacySmsIndexed {
  /** Records that were in no incident's index, now in theirs. */
  records: number;
  /** Of their incidents, those found over (resolved, or long gone) and handed to the retention sweep. */
  resolved: number;
}

/**
 * Records written before the per-incident index (sms-store.ts's `smsOfIncident`) existed sit in the
 * records hash alone: `GET /v1/incidents/{id}/sms` does not count them and the retention sweep, which
 * forgets an incident's SMS through that index, never removes them. This puts each such record in its
 * incident's index and registers the incidents already over with the sweep: a resolved one at its
 * resolution; one the incident store no longer keeps (it resolved past the retention, or its record is
 * gone) at its newest SMS, so the next sweep removes it. An incident still active is left to its own
 * resolution. Idempotent (SADD, ZADD NX): the SMS worker runs it at every start, so records that a
 * worker of the earlier version wrote during a rolling upgrade are indexed by the next start.
 */
export async function indexLegacySms(
  redis: Redis,
  keys: RedisKeys,
  incidentOf: (id: string) => Promise<Incident | undefined>,
): Promise<LegacySmsIndexed> {
  /** Incidents with records indexed just now → the newest time among those records. */
  const newest = new Map<string, number>();
  let records = 0;
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(keys.smsRecords(), cursor, 'COUNT', SCAN_COUNT);
    cursor = next;
    const found: SmsRecord[] = [];
    for (let i = 1; i < flat.length; i += 2) found.push(JSON.parse(flat[i] ?? '{}') as SmsRecord);
    const pipeline = redis.pipeline();
    for (const r of found) pipeline.sadd(keys.smsOfIncident(r.incidentId), r.key);
    const added = (await pipeline.exec()) ?? [];
    found.forEach((r, i) => {
      if (added[i]?.[1] !== 1) return;
      records += 1;
      const at = Math.max(r.sentAt ?? 0, r.queuedAt);
      newest.set(r.incidentId, Math.max(newest.get(r.incidentId) ?? 0, at));
    });
  } while (cursor !== '0');

  let resolved = 0;
  for (const [incidentId, lastAt] of newest) {
    const incident = await incidentOf(incidentId);
    if (incident && incident.state !== 'resolved') continue;
    const at = incident?.resolvedAt ?? lastAt;
    if ((await redis.zadd(keys.smsResolvedIncidents(), 'NX', at, incidentId)) === 1) resolved += 1;
  }
  return { records, resolved };
}
