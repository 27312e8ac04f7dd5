import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/correlation/index.js';
import { createIncidentStore, type IncidentStore } from '../../src/diagnosis/incident-store.js';
import { incidentSmsSummary } from '../../src/sms/index.js';
import { indexLegacySms } from '../../src/sms/index-legacy-sms.js';
import { smsKey, type SmsRecord } from '../../src/sms/sms-record.js';
import { createSmsRetention, type SmsRetention } from '../../src/sms/sms-retention.js';
import { createSmsStore, type SmsStore } from '../../src/sms/sms-store.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { until } from '../helpers/wait.js';
import { startSmsCentre } from './sms-centre.js';
import { outage, SMPP_CREDENTIALS, smsConfig, startSmsRole } from './sms-stack.js';

const DAY = 24 * 3_600_000;
const NOW = Date.now();

function sent(incidentId: string, subscriberId: string, at: number): SmsRecord {
  return {
    key: smsKey(incidentId, subscriberId, 'outage'),
    incidentId,
    subscriberId,
    kind: 'outage',
    phone: '+447700900031',
    language: 'en',
    timeZone: 'UTC',
    state: 'sent',
    queuedAt: at,
    dueAt: at,
    sentAt: at + 1_000,
    messageIds: [`${incidentId}/${subscriberId}`],
  };
}

/** What the SMS worker wrote before the per-incident index: the record, its message id and the subscriber's list. */
async function writeLegacy(t: TestRedis, records: SmsRecord[]): Promise<void> {
  const pipeline = t.redis.pipeline();
  for (const r of records) {
    pipeline.hset(t.keys.smsRecords(), r.key, JSON.stringify(r));
    for (const id of r.messageIds ?? []) pipeline.hset(t.keys.smsByMessageId(), id, r.key);
    pipeline.lpush(t.keys.smsOfSubscriber(r.subscriberId), r.key);
  }
  await pipeline.exec();
}

async function storeResolved(incidents: IncidentStore, incident: Incident, resolvedAt: number) {
  const over: Incident = { ...incident, state: 'resolved', resolvedAt };
  await incidents.saveStep([], [], [{ type: 'resolved', at: resolvedAt, incident: over }]);
}

describe('SMS records from before the per-incident index', () => {
  let t: TestRedis;
  let store: SmsStore;
  let retention: SmsRetention;
  let incidents: IncidentStore;
  const count = async (id: string) => incidentSmsSummary(id, await store.ofIncident(id)).total;

  beforeEach(async () => {
    t = await createTestRedis();
    store = createSmsStore(t.redis, t.keys);
    retention = createSmsRetention(t.redis, t.keys);
    incidents = createIncidentStore(t.redis, t.keys);
    // Resolved 10 days ago (still kept), long gone from the incident store, and open now.
    await storeResolved(incidents, outage('bs-r', []), NOW - 10 * DAY);
    const open = outage('bs-o', []);
    await incidents.saveStep([], [open], [{ type: 'opened', at: NOW, incident: open }]);
    await writeLegacy(t, [
      sent('outage:bs-r', 'a', NOW - 11 * DAY),
      sent('outage:bs-r', 'b', NOW - 11 * DAY),
      sent('outage:bs-g', 'a', NOW - 40 * DAY),
      sent('outage:bs-o', 'c', NOW - DAY),
    ]);
    // One record written since the index: already indexed, left as it is.
    await store.queue([{ ...sent('outage:bs-r', 'd', NOW - 11 * DAY), state: 'queued' }]);
  });
  afterEach(() => t.close());

  it('are counted by their incident and swept with it, once its retention has passed', async () => {
    expect(await count('outage:bs-r')).toBe(1);
    expect(await indexLegacySms(t.redis, t.keys, (id) => incidents.get(id))).toEqual({
      records: 4,
      resolved: 2,
    });
    expect(await count('outage:bs-r')).toBe(3);
    expect(await count('outage:bs-g')).toBe(1);
    expect(await count('outage:bs-o')).toBe(1);
    // The open incident is left to its own resolution; the others are the sweep's, at their resolution.
    expect(await t.redis.zscore(t.keys.smsResolvedIncidents(), 'outage:bs-o')).toBeNull();
    expect(Number(await t.redis.zscore(t.keys.smsResolvedIncidents(), 'outage:bs-r'))).toBe(NOW - 10 * DAY);

    // Gone from the incident store, its SMS are past the retention: the next sweep removes them all.
    expect(await retention.trim(NOW)).toBe(1);
    expect(await t.redis.hexists(t.keys.smsRecords(), smsKey('outage:bs-g', 'a', 'outage'))).toBe(0);
    expect(await t.redis.hexists(t.keys.smsByMessageId(), 'outage:bs-g/a')).toBe(0);
    expect(await t.redis.lrange(t.keys.smsOfSubscriber('a'), 0, -1)).toEqual([
      smsKey('outage:bs-r', 'a', 'outage'),
    ]);
    // The one resolved 10 days ago goes 30 days after its resolution; the open one stays.
    expect(await retention.trim(NOW + 21 * DAY)).toBe(3);
    expect(await t.redis.hkeys(t.keys.smsRecords())).toEqual([smsKey('outage:bs-o', 'c', 'outage')]);
  });

  it('are indexed once: running it again changes nothing', async () => {
    await indexLegacySms(t.redis, t.keys, (id) => incidents.get(id));
    await t.redis.zadd(t.keys.smsResolvedIncidents(), NOW, 'outage:bs-g');
    expect(await indexLegacySms(t.redis, t.keys, (id) => incidents.get(id))).toEqual({
      records: 0,
      resolved: 0,
    });
    // An incident already registered keeps its time.
    expect(Number(await t.redis.zscore(t.keys.smsResolvedIncidents(), 'outage:bs-g'))).toBe(NOW);
  });

  it('are indexed when the SMS worker starts', async () => {
    const centre = await startSmsCentre(SMPP_CREDENTIALS);
    const role = startSmsRole(t, smsConfig(centre.url));
    try {
      await role.start();
      await until(async () => (await count('outage:bs-r')) === 3, { what: 'the legacy records indexed' });
      expect(await count('outage:bs-g')).toBe(1);
    } finally {
      await role.close();
      await centre.close();
    }
  });
});
