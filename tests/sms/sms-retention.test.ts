import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESOLVED_INCIDENT_RETENTION_MS } from '../../src/correlation/index.js';
import { incidentSmsSummary } from '../../src/sms/index.js';
import { smsKey, type SmsKind, type SmsRecord } from '../../src/sms/sms-record.js';
import { createSmsRetention, type SmsRetention } from '../../src/sms/sms-retention.js';
import { createSmsStore, type SmsStore } from '../../src/sms/sms-store.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

const T0 = Date.UTC(2026, 10, 1, 12);
const DAY = 24 * 3_600_000;

function record(incidentId: string, subscriberId: string, kind: SmsKind = 'outage'): SmsRecord {
  return {
    key: smsKey(incidentId, subscriberId, kind),
    incidentId,
    subscriberId,
    kind,
    phone: '+79100000001',
    language: 'en',
    timeZone: 'UTC',
    state: 'queued',
    queuedAt: T0,
    dueAt: T0,
  };
}

/** An incident's notices queued, claimed, sent in two parts each and delivered, as a worker leaves them. */
async function sendAll(store: SmsStore, incidentId: string, subscribers: string[]): Promise<void> {
  const queued = await store.queue(subscribers.map((s) => record(incidentId, s)));
  await store.countNotices(incidentId, queued.length);
  for (const r of queued) {
    expect(await store.claim(r.key, 'worker-1@1')).toBe(true);
    const messageIds = [`${r.key}#1`, `${r.key}#2`];
    await store.finish({ ...r, state: 'sent', sentAt: T0 + 1_000, text: 'Outage', messageIds });
    for (const id of messageIds) expect(await store.fileReceipt(id, 'DELIVRD')).toBe(true);
  }
}

describe('SMS records are kept as long as resolved incidents, then go with everything pointing at them', () => {
  let t: TestRedis;
  let store: SmsStore;
  let retention: SmsRetention;

  beforeEach(async () => {
    t = await createTestRedis();
    store = createSmsStore(t.redis, t.keys);
    retention = createSmsRetention(t.redis, t.keys);
  });
  afterEach(() => t.close());

  it('counts one incident’s SMS by kind and state, delivered when every part’s receipt says DELIVRD', async () => {
    await sendAll(store, 'outage:bs-1', ['sub-1', 'sub-2', 'sub-3']);
    await store.queue([record('outage:bs-1', 'sub-1', 'restored'), record('outage:bs-2', 'sub-9')]);
    const summary = incidentSmsSummary('outage:bs-1', await store.ofIncident('outage:bs-1'));
    expect(summary).toMatchObject({
      incidentId: 'outage:bs-1',
      total: 4,
      kinds: {
        outage: { sent: 3, delivered: 3, queued: 0, dropped: 0, failed: 0, unconfirmed: 0 },
        eta: { sent: 0, queued: 0 },
        restored: { queued: 1, sent: 0 },
      },
      lastSentAt: new Date(T0 + 1_000).toISOString(),
    });
  });

  it('forgets an incident’s SMS once it has been resolved longer than the incidents’ retention', async () => {
    await sendAll(store, 'outage:old', ['sub-1', 'sub-2']);
    await sendAll(store, 'outage:recent', ['sub-1', 'sub-3']);
    await retention.resolved('outage:old', T0);
    await retention.resolved('outage:recent', T0 + 20 * DAY);

    // A day short of the retention: nothing goes.
    expect(await retention.trim(T0 + RESOLVED_INCIDENT_RETENTION_MS - DAY)).toBe(0);
    expect(await store.ofIncident('outage:old')).toHaveLength(2);

    expect(await retention.trim(T0 + RESOLVED_INCIDENT_RETENTION_MS + 1)).toBe(2);
    expect(await store.ofIncident('outage:old')).toEqual([]);
    const records = await t.redis.hkeys(t.keys.smsRecords());
    expect(records.sort()).toEqual([
      smsKey('outage:recent', 'sub-1', 'outage'),
      smsKey('outage:recent', 'sub-3', 'outage'),
    ]);
    expect((await t.redis.hkeys(t.keys.smsClaims())).every((k) => k.startsWith('outage:recent|'))).toBe(true);
    expect(await t.redis.hlen(t.keys.smsByMessageId())).toBe(4);
    expect(await t.redis.hexists(t.keys.smsIncidentCounts(), 'outage:old')).toBe(0);
    expect(await t.redis.exists(t.keys.smsOfIncident('outage:old'))).toBe(0);
    expect(await t.redis.zrange(t.keys.smsResolvedIncidents(), 0, -1)).toEqual(['outage:recent']);
    // The subscribers' lists keep what is still kept; a subscriber told only of the old outage has none.
    expect(await t.redis.lrange(t.keys.smsOfSubscriber('sub-1'), 0, -1)).toEqual([
      smsKey('outage:recent', 'sub-1', 'outage'),
    ]);
    expect(await t.redis.exists(t.keys.smsOfSubscriber('sub-2'))).toBe(0);
    expect((await store.ofSubscriber('sub-3')).map((r) => r.incidentId)).toEqual(['outage:recent']);
  });

  it('keeps the SMS of an incident that became active again, until it resolves again and ages out', async () => {
    await sendAll(store, 'outage:bs-1', ['sub-1']);
    await retention.resolved('outage:bs-1', T0);
    await retention.active('outage:bs-1');
    expect(await retention.trim(T0 + 2 * RESOLVED_INCIDENT_RETENTION_MS)).toBe(0);
    expect(await store.ofIncident('outage:bs-1')).toHaveLength(1);

    await retention.resolved('outage:bs-1', T0 + 40 * DAY);
    expect(await retention.trim(T0 + 40 * DAY + RESOLVED_INCIDENT_RETENTION_MS + 1)).toBe(1);
    expect(await t.redis.hlen(t.keys.smsRecords())).toBe(0);
    expect(await t.redis.hlen(t.keys.smsByMessageId())).toBe(0);
  });

  it('forgets the earlier outage of a root that fails again, never the current one on a replay', async () => {
    await sendAll(store, 'outage:bs-1', ['sub-1', 'sub-2']);
    await retention.resolved('outage:bs-1', T0 + DAY);
    // The earlier opening, replayed after its resolution: the SMS it sent are still the ones told.
    expect(await retention.opened('outage:bs-1', T0)).toBe(0);
    expect(await store.ofIncident('outage:bs-1')).toHaveLength(2);
    // The root fails again after the resolution: a new outage under the same id, told afresh.
    expect(await retention.opened('outage:bs-1', T0 + 2 * DAY)).toBe(2);
    expect(await store.ofIncident('outage:bs-1')).toEqual([]);
    expect(await store.countNotices('outage:bs-1', 0)).toBe(0);
    expect(await t.redis.hlen(t.keys.smsByMessageId())).toBe(0);
    // An incident never resolved is never forgotten by an opening.
    await sendAll(store, 'outage:bs-3', ['sub-3']);
    expect(await retention.opened('outage:bs-3', T0 + 3 * DAY)).toBe(0);
  });
});
