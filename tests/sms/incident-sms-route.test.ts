import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsKey, type SmsRecord } from '../../src/sms/sms-record.js';
import { createSmsStore } from '../../src/sms/sms-store.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

const AT = Date.UTC(2026, 11, 2, 14, 2);

function notice(subscriberId: string): SmsRecord {
  return {
    key: smsKey('outage:bs-7', subscriberId, 'outage'),
    incidentId: 'outage:bs-7',
    subscriberId,
    kind: 'outage',
    phone: '+79100000007',
    language: 'ru',
    timeZone: 'Europe/Moscow',
    state: 'queued',
    queuedAt: AT,
    dueAt: AT,
  };
}

describe('GET /v1/incidents/{id}/sms', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp();
    const store = createSmsStore(t.testRedis.redis, t.testRedis.keys);
    const [told, unreached, waiting] = await store.queue(['sub-1', 'sub-2', 'sub-3'].map(notice));
    await store.finish({ ...told!, state: 'sent', sentAt: AT + 1_000, messageIds: ['m1', 'm2'] });
    for (const id of ['m1', 'm2']) await store.fileReceipt(id, 'DELIVRD');
    await store.finish({ ...unreached!, state: 'failed', reason: 'invalid destination' });
    expect(waiting?.state).toBe('queued');
  });
  afterAll(() => t.close());

  it("counts an incident's SMS by kind and state for NOC, with the receipts", async () => {
    const answer = await t.app.inject({ url: '/v1/incidents/outage:bs-7/sms', headers: t.auth.noc });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({
      incidentId: 'outage:bs-7',
      total: 3,
      kinds: {
        outage: { queued: 1, sent: 1, delivered: 1, dropped: 0, failed: 1, unconfirmed: 0 },
        eta: { queued: 0, sent: 0, delivered: 0, dropped: 0, failed: 0, unconfirmed: 0 },
        restored: { queued: 0, sent: 0, delivered: 0, dropped: 0, failed: 0, unconfirmed: 0 },
      },
      lastSentAt: new Date(AT + 1_000).toISOString(),
    });
  });

  it('is 404 for an incident Vigil does not know, and not for agents', async () => {
    const unknown = await t.app.inject({ url: '/v1/incidents/outage:bs-8/sms', headers: t.auth.noc });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({ code: 'ERR_INCIDENT_NOT_FOUND' });
    const agent = await t.app.inject({ url: '/v1/incidents/outage:bs-7/sms', headers: t.auth.agent });
    expect(agent.statusCode).toBe(403);
  });
});
