import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryStore } from '../../src/inventory/index.js';
import type { ProcessRole } from '../../src/roles/process-role.js';
import { smsText } from '../../src/sms/sms-text.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { connectSse, type SseClient } from '../helpers/sse-client.js';
import { startSmsCentre, type SmsCentre } from './sms-centre.js';
import { announcer, baseStation, outage, SMPP_CREDENTIALS, smsConfig, startSmsRole } from './sms-stack.js';

/**
 * "The subscriber was told at 14:02": an agent in a live conversation with a subscriber of an outage
 * sees the SMS go out as it happens, and a conversation opened afterwards starts with it.
 */
describe('an outage SMS in the agent’s conversation', () => {
  let t: TestApp;
  let centre: SmsCentre;
  let role: ProcessRole;
  let url: string;
  let stream: SseClient | undefined;

  beforeAll(async () => {
    t = await buildTestApp();
    await createInventoryStore({ redis: t.testRedis.redis, keys: t.testRedis.keys }).importInventory({
      sites: [{ id: 'kzn', name: 'Kazan', timeZone: 'Europe/Moscow' }],
      devices: [baseStation('bs-5', 'kzn')],
      subscribers: [{ id: 'sub-5', deviceIds: [], site: 'kzn', phone: '+79160000055', language: 'en' }],
    });
    url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    centre = await startSmsCentre(SMPP_CREDENTIALS);
    role = startSmsRole(t.testRedis, smsConfig(centre.url));
    await role.start();
  });
  afterAll(async () => {
    stream?.close();
    await role?.close();
    await centre?.close();
    await t?.close();
  });

  const open = async (channel: string) => {
    const answer = await t.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: t.auth.agent,
      payload: { subscriberId: 'sub-5', channel, agentId: 'a-5' },
    });
    expect(answer.statusCode).toBe(201);
    return answer.json<{
      conversation: { id: string };
      diagnosis: { sms?: { kind: string; state: string; sentAt?: string; text?: string }[] };
    }>();
  };

  it('is pushed into the open conversation as it goes out, with when and what was sent', async () => {
    const opened = await open('phone');
    stream = await connectSse(`${url}/v1/conversations/${opened.conversation.id}/events`, t.auth.agent);
    await announcer(t.testRedis).opened(outage('bs-5', ['sub-5']));
    const told = await stream.waitFor((e) => e.type === 'subscriber.notified', 20_000);
    const text = smsText('outage', 'en', { timeZone: 'Europe/Moscow' });
    expect(told.data).toMatchObject({ channel: 'sms', kind: 'outage', state: 'sent', text });
    expect(Date.parse(String(told.data.sentAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(centre.messages().get('79160000055')).toEqual([text]);
  });

  it('is in the snapshot of a conversation opened afterwards, in another channel', async () => {
    const opened = await open('chat');
    expect(opened.diagnosis.sms?.[0]).toMatchObject({ kind: 'outage', state: 'sent' });
    expect(opened.diagnosis.sms?.[0]?.sentAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  it('counts in the effectiveness report the subscriber notified who still got in touch', async () => {
    const answer = await t.app.inject({
      method: 'GET',
      url: '/v1/reports/effectiveness',
      headers: t.auth.noc,
    });
    expect(answer.statusCode).toBe(200);
    // The first conversation opened before the notice; the second, after it, is a contact it did not spare.
    expect(answer.json<{ sms: unknown }>().sms).toMatchObject({
      incidents: 1,
      notified: 1,
      contactedAfterNotice: 1,
      contactedAfterNoticeRate: 1,
    });
  });
});
