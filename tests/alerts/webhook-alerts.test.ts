import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertsRole } from '../../src/roles/alerts-role.js';
import { verifySignature } from '../../src/platform/sign-payload.js';
import { DEFAULT_ACTIONS_CONFIG } from '../../src/config/load-config.js';
import { publishEvents } from '../../src/events/event-log.js';
import { createLogger } from '../../src/platform/logger.js';
import type { ProcessRole } from '../../src/roles/process-role.js';
import { Secret } from '../../src/shared/secret.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { memoryPeakDuring, MiB } from '../helpers/huge-answer.js';
import { sleep, until } from '../helpers/wait.js';
import { incident, startReceiver } from './alert-receiver.js';

describe('outage alerts to webhooks', () => {
  let t: TestApp;
  let role: ProcessRole;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const secret = `whsec-${randomBytes(16).toString('hex')}`;
  let subscriptionId = '';

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await buildTestApp({
      // The receiver's port only: a bare "127.0.0.1" would allow port 80 alone.
      config: {
        actions: { ...DEFAULT_ACTIONS_CONFIG, webhookAllowedHosts: [`127.0.0.1:${receiver.port}`] },
      },
    });
    role = createAlertsRole(
      {
        config: t.config,
        logger: createLogger({ level: 'silent' }),
        redis: t.testRedis.redis,
        keys: t.testRedis.keys,
      },
      { attempts: 3, baseDelayMs: 50, maxDelayMs: 200, sweepEveryMs: 100 },
    );
    await role.start();
  });
  afterAll(async () => {
    await role?.close();
    await t?.close();
    receiver?.server.closeAllConnections();
    receiver?.server.close();
  });

  const publish = (
    type: 'incident.opened' | 'incident.updated' | 'incident.resolved',
    data: unknown,
    subscriberIds: string[],
  ) =>
    publishEvents(t.testRedis.redis, t.testRedis.keys, [
      { type, at: Date.now(), subscriberIds, deviceIds: [], data },
    ]);

  it('admin subscribes a URL on an allowed host; the secret is never shown again', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: t.auth.admin,
      payload: { url: receiver.url, secret, description: 'SMS notifier' },
    });
    expect(created.statusCode).toBe(201);
    subscriptionId = created.json<{ id: string }>().id;
    expect(created.body).not.toContain(secret);
    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: t.auth.admin });
    expect(list.json<{ items: { id: string; events: string[] }[] }>().items).toEqual([
      expect.objectContaining({
        id: subscriptionId,
        events: ['incident.opened', 'incident.updated', 'incident.resolved'],
      }),
    ]);
    expect(list.body).not.toContain(secret);
  });

  it('refuses other hosts, other schemes, short secrets, and non-admin keys', async () => {
    const post = (payload: object, auth = t.auth.admin) =>
      t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload });
    expect((await post({ url: 'http://10.0.0.1/hook', secret })).statusCode).toBe(403);
    expect((await post({ url: 'ftp://127.0.0.1/hook', secret })).statusCode).toBe(422);
    expect((await post({ url: receiver.url, secret: 'short' })).statusCode).toBe(400);
    expect((await post({ url: receiver.url, secret }, t.auth.noc)).statusCode).toBe(403);
    expect((await post({ url: receiver.url, secret }, t.auth.agent)).statusCode).toBe(403);
  });

  it('refuses the allowed host on another port with a problem+json that names the port', async () => {
    const other = receiver.port === 65_535 ? receiver.port - 1 : receiver.port + 1;
    for (const url of [`http://127.0.0.1:${other}/alerts`, 'http://127.0.0.1/alerts']) {
      const refused = await t.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: t.auth.admin,
        payload: { url, secret },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      const port = new URL(url).port || '80';
      expect(refused.json()).toMatchObject({
        code: 'ERR_WEBHOOK_FORBIDDEN',
        status: 403,
        detail: expect.stringContaining(`port ${port} of host "127.0.0.1" is not allowed`) as string,
      });
    }
    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: t.auth.admin });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('delivers incident events in order, signed and verifiable, with the affected subscribers', async () => {
    const before = receiver.received.length;
    await publish('incident.opened', incident('outage:bs-1', ['sub-1', 'sub-2']), ['sub-1', 'sub-2']);
    await publish(
      'incident.updated',
      incident('outage:bs-1', ['sub-1', 'sub-2', 'sub-3'], { eta: '2026-12-01T10:00:00.000Z' }),
      ['sub-1', 'sub-2', 'sub-3'],
    );
    await publish(
      'incident.resolved',
      incident('outage:bs-1', ['sub-1', 'sub-2', 'sub-3'], { state: 'resolved' }),
      ['sub-1'],
    );
    // Conversation events are not alerts.
    await publish('suggestion.created' as never, { id: 'x' }, ['sub-1']);
    const got = await until(() =>
      receiver.received.length >= before + 3 ? receiver.received.slice(before) : undefined,
    );
    // Nothing more comes: the suggestion event was not routed to anyone.
    await sleep(300);
    expect(receiver.received.length).toBe(before + 3);
    expect(got.map((r) => r.headers['x-vigil-event'])).toEqual([
      'incident.opened',
      'incident.updated',
      'incident.resolved',
    ]);
    for (const r of got)
      expect(verifySignature(new Secret(secret), r.body, String(r.headers['x-vigil-signature']))).toBe(true);
    expect(
      verifySignature(
        new Secret('another-secret-entirely'),
        got[0]!.body,
        String(got[0]!.headers['x-vigil-signature']),
      ),
    ).toBe(false);
    const second = JSON.parse(got[1]!.body) as {
      type: string;
      incident: { eta: string };
      affectedSubscribers: { count: number; ids: string[] };
    };
    expect(second).toMatchObject({
      type: 'incident.updated',
      incident: { eta: '2026-12-01T10:00:00.000Z' },
      affectedSubscribers: { count: 3, ids: ['sub-1', 'sub-2', 'sub-3'] },
    });
  });

  it("routes incident events without reading any other event's data, even data that is not JSON", async () => {
    const before = receiver.received.length;
    // A conversation's event whose data cannot be parsed (a writer's bug): not an alert, never parsed,
    // so it cannot hold up the incident event behind it.
    await t.testRedis.redis.xadd(
      t.testRedis.keys.events(),
      '*',
      'type',
      'diagnosis',
      'at',
      String(Date.now()),
      'subscribers',
      'sub-9',
      'devices',
      '',
      'data',
      '{"not json',
    );
    await publish('incident.opened', incident('outage:bs-9', ['sub-9']), ['sub-9']);
    const got = await until(() =>
      receiver.received.length > before ? receiver.received.slice(before) : undefined,
    );
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      type: 'incident.opened',
      incident: { id: 'outage:bs-9' },
    });
  });

  it('honours 429 Retry-After and retries a 503: delivered once it answers', async () => {
    const before = receiver.received.length;
    receiver.answers.push({ status: 429, headers: { 'retry-after': '1' } }, { status: 503 });
    await publish('incident.opened', incident('outage:bs-2', ['sub-9']), ['sub-9']);
    const got = await until(() =>
      receiver.received.length >= before + 3 ? receiver.received.slice(before) : undefined,
    );
    expect(got.map((r) => r.headers['x-vigil-delivery'])).toEqual(
      Array(3).fill(got[0]!.headers['x-vigil-delivery']),
    );
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/webhooks/dead-letters', headers: t.auth.noc })).json(),
    ).toEqual({ items: [] });
  });

  it('after every attempt fails the alert is dead-lettered, the next ones go on, and a replay delivers it', async () => {
    const before = receiver.received.length;
    receiver.answers.push({ status: 500 }, { status: 500 }, { status: 500 });
    await publish('incident.opened', incident('outage:bs-3', ['sub-7']), ['sub-7']);
    await publish('incident.resolved', incident('outage:bs-4', ['sub-8'], { state: 'resolved' }), ['sub-8']);
    const dead = await until(async () => {
      const items = (
        await t.app.inject({ method: 'GET', url: '/v1/webhooks/dead-letters', headers: t.auth.noc })
      ).json<{
        items: { id: string; attempts: number; lastError: string; payload: { incident: { id: string } } }[];
      }>().items;
      return items.length > 0 ? items : undefined;
    });
    expect(dead.map((d) => [d.attempts, d.lastError, d.payload.incident.id])).toEqual([
      [3, 'answered 500', 'outage:bs-3'],
    ]);
    // The alert behind it was not held up.
    await until(() => receiver.received.slice(before).find((r) => r.body.includes('outage:bs-4')));
    // The receiver is fixed: failures it still had scripted (an attempt that never reached it under load
    // leaves one) are dropped, and the replay is counted from here, not from a number of attempts.
    receiver.answers.length = 0;
    const sentOfDead = () =>
      receiver.received
        .slice(before)
        .filter((r) => r.body.includes('outage:bs-3') && r.headers['x-vigil-delivery'] === dead[0]!.id);
    const sentBeforeReplay = sentOfDead().length;
    expect(sentBeforeReplay).toBeGreaterThan(0);
    const replayed = await t.app.inject({
      method: 'POST',
      url: `/v1/webhooks/dead-letters/${encodeURIComponent(dead[0]!.id)}/replay`,
      headers: t.auth.noc,
    });
    expect(replayed.statusCode).toBe(202);
    const delivered = await until(() => sentOfDead().at(sentBeforeReplay));
    expect(JSON.parse(delivered.body)).toMatchObject({ type: 'incident.opened' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/webhooks/dead-letters', headers: t.auth.noc })).json(),
    ).toEqual({ items: [] });
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/v1/webhooks/dead-letters/${encodeURIComponent(dead[0]!.id)}/replay`,
          headers: t.auth.noc,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('planned works send no alert unless the subscription asks for them', async () => {
    const before = receiver.received.length;
    await publish(
      'incident.opened',
      incident('outage:an-5', ['sub-5'], { kind: 'planned_works', suppressAlerts: true }),
      ['sub-5'],
    );
    await publish('incident.opened', incident('outage:an-6', ['sub-6']), ['sub-6']);
    await until(() => receiver.received.slice(before).find((r) => r.body.includes('outage:an-6')));
    expect(receiver.received.slice(before).some((r) => r.body.includes('outage:an-5'))).toBe(false);
  });

  const deadLetters = async () =>
    (await t.app.inject({ method: 'GET', url: '/v1/webhooks/dead-letters', headers: t.auth.noc })).json<{
      items: { id: string; attempts: number; lastError: string; payload: { incident: { id: string } } }[];
    }>().items;

  it('a receiver that accepts with a 200 MB answer: delivered once, read to 64 KiB only, memory flat', async () => {
    const before = receiver.received.length;
    const streamedBefore = receiver.streamed.length;
    receiver.answers.push({ status: 200, hugeBytes: 200 * MiB });
    const { peak } = await memoryPeakDuring(async () => {
      await publish('incident.opened', incident('outage:bs-20', ['sub-20']), ['sub-20']);
      // Delivered: the next alert goes out after it (deliveries are in order).
      await publish('incident.opened', incident('outage:bs-21', ['sub-21']), ['sub-21']);
      await until(() => receiver.received.slice(before).find((r) => r.body.includes('outage:bs-21')));
    });
    const [huge] = receiver.streamed.slice(streamedBefore);
    const served = await huge!.done;
    expect(served.finished).toBe(false);
    expect(receiver.received.slice(before).filter((r) => r.body.includes('outage:bs-20'))).toHaveLength(1);
    expect(await deadLetters()).toEqual([]);
    expect(peak.arrayBuffers).toBeLessThan(16 * MiB);
    expect(peak.rss).toBeLessThan(48 * MiB);
  });

  it('a 500 with a 200 MB answer every time: dead-lettered with a short excerpt, memory flat', async () => {
    const streamedBefore = receiver.streamed.length;
    receiver.answers.push(...Array.from({ length: 3 }, () => ({ status: 500, hugeBytes: 200 * MiB })));
    const { result: dead, peak } = await memoryPeakDuring(async () => {
      await publish('incident.opened', incident('outage:bs-22', ['sub-22']), ['sub-22']);
      return until(async () => {
        const items = await deadLetters();
        return items.length > 0 ? items : undefined;
      });
    });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.payload.incident.id).toBe('outage:bs-22');
    expect(dead[0]!.attempts).toBe(3);
    expect(dead[0]!.lastError).toBe(`answered 500: ${'x'.repeat(200)}… [body over 64 KiB, not read further]`);
    const served = await Promise.all(receiver.streamed.slice(streamedBefore).map((a) => a.done));
    expect(served.map((a) => a.finished)).toEqual([false, false, false]);
    expect(peak.arrayBuffers).toBeLessThan(16 * MiB);
    expect(peak.rss).toBeLessThan(48 * MiB);
  });

  it('a receiver that refuses an alert (a 4xx, a redirect) has it dead-lettered after one attempt', async () => {
    const before = receiver.received.length;
    receiver.answers.push({ status: 410 }, { status: 307, headers: { location: '/elsewhere' } });
    await publish('incident.opened', incident('outage:bs-30', ['sub-30']), ['sub-30']);
    await publish('incident.opened', incident('outage:bs-31', ['sub-31']), ['sub-31']);
    const refused = await until(async () => {
      const items = (await deadLetters()).filter((d) =>
        ['outage:bs-30', 'outage:bs-31'].includes(d.payload.incident.id),
      );
      return items.length === 2 ? items : undefined;
    });
    expect(refused.map((d) => [d.payload.incident.id, d.attempts, d.lastError]).sort()).toEqual([
      ['outage:bs-30', 1, 'answered 410'],
      ['outage:bs-31', 1, 'answered 307 (a redirect, not followed)'],
    ]);
    // Each was sent once, and the redirect was not followed.
    const sent = receiver.received.slice(before);
    expect(sent.filter((r) => r.body.includes('outage:bs-30'))).toHaveLength(1);
    expect(sent.filter((r) => r.body.includes('outage:bs-31'))).toHaveLength(1);
  });
});
