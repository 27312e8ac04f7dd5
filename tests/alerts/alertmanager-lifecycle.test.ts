import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACTIONS_CONFIG } from '../../src/config/load-config.js';
import type { Incident } from '../../src/correlation/index.js';
import { createIncidentStore, type IncidentStore } from '../../src/diagnosis/incident-store.js';
import { createLogger } from '../../src/platform/logger.js';
import { freeTcpPort } from '../../src/platform/free-tcp-port.js';
import { createAlertsRole } from '../../src/roles/alerts-role.js';
import type { ProcessRole } from '../../src/roles/process-role.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { sleep, until } from '../helpers/wait.js';
import { startReceiver } from './alert-receiver.js';
import {
  startAlertmanager,
  type AlertmanagerAlertView,
  type TestAlertmanager,
} from './start-alertmanager.js';

const REPOST_MS = 500;
const wait = { timeoutMs: 15_000, everyMs: 100 };

/**
 * The alerts role in this process against Debian's Alertmanager, with incidents written as the advisor
 * writes them (the store's saveStep: record and event in one round trip) and re-posts every 500 ms
 * (so an alert lapses 2 s after its last post): the re-posts keep the alert alive, a change of kind
 * ends the old alert, a resolution ends it for good, a credential goes as the Authorization header,
 * and an Alertmanager that does not answer fills the dead letters after the bounded attempts.
 */
describe('Alertmanager targets through the alert queues', () => {
  let t: TestApp;
  let role: ProcessRole;
  let am: TestAlertmanager;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let incidents: IncidentStore;
  let closedPort = 0;
  const password = `pw-${Math.random().toString(36).slice(2, 14)}`;

  beforeAll(async () => {
    [am, receiver, closedPort] = await Promise.all([startAlertmanager(), startReceiver(), freeTcpPort()]);
    const ports = [am.port, receiver.port, closedPort];
    t = await buildTestApp({
      config: {
        actions: { ...DEFAULT_ACTIONS_CONFIG, webhookAllowedHosts: ports.map((p) => `127.0.0.1:${p}`) },
      },
    });
    incidents = createIncidentStore(t.testRedis.redis, t.testRedis.keys);
    role = createAlertsRole(
      {
        config: t.config,
        logger: createLogger({ level: 'silent' }),
        redis: t.testRedis.redis,
        keys: t.testRedis.keys,
      },
      { attempts: 2, baseDelayMs: 50, maxDelayMs: 100, sweepEveryMs: 100, alertmanagerRepostMs: REPOST_MS },
    );
    await role.start();
  });
  afterAll(async () => {
    await role?.close();
    await t?.close();
    await am?.close();
    receiver?.server.closeAllConnections();
    receiver?.server.close();
  });

  const createTarget = async (body: object) => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: t.auth.admin,
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    return created.json<{ id: string; kind: string; auth: string }>();
  };
  const alertsOf = (incidentId: string) => am.alerts(`incident="${incidentId}"`);

  it('keeps an open incident alive by re-posting, ends the old kind, resolves for good', async () => {
    const target = await createTarget({ kind: 'alertmanager', url: am.url, includePlannedWorks: true });
    expect(target).toMatchObject({ kind: 'alertmanager', auth: 'none' });
    const now = Date.now();
    const works: Incident = {
      id: 'outage:bs-am-1',
      kind: 'planned_works',
      rootDeviceId: 'bs-am-1',
      cause: 'parent_down',
      state: 'open',
      openedAt: now,
      updatedAt: now,
      affectedDeviceIds: ['bs-am-1', 'cpe-am-1'],
      affectedSubscriberIds: ['sub-am-1'],
      maintenanceWindowId: 'mw-1',
      suppressAlerts: true,
    };
    await incidents.saveStep([], [works], [{ type: 'opened', at: now, incident: works }]);
    const planned = await until(async () => (await alertsOf(works.id))[0], wait);
    expect(planned.labels).toMatchObject({
      kind: 'planned_works',
      severity: 'info',
      alertname: 'VigilOutage',
    });

    // The works overrun their window: the same incident becomes an outage.
    const outage: Incident = { ...works, kind: 'outage', suppressAlerts: false, updatedAt: Date.now() };
    delete outage.maintenanceWindowId;
    await incidents.saveStep(
      [works],
      [outage],
      [
        {
          type: 'updated',
          at: Date.now(),
          incident: outage,
          diff: { kind: { from: 'planned_works', to: 'outage' } },
        },
      ],
    );
    const firing = await until(async () => {
      const alerts = await alertsOf(works.id);
      return alerts.length === 1 && alerts[0]?.labels.kind === 'outage' ? alerts[0] : undefined;
    }, wait);
    expect(firing.labels.severity).toBe('critical');

    // Each post holds for 4 re-post periods (2 s): alive three seconds on, its endsAt moved forward.
    await sleep(3_000);
    const later = await alertsOf(works.id);
    expect(later).toHaveLength(1);
    expect(Date.parse(later[0]!.endsAt)).toBeGreaterThan(Date.parse(firing.endsAt));

    const resolvedAt = Date.now();
    const resolved: Incident = { ...outage, state: 'resolved', resolvedAt, updatedAt: resolvedAt };
    await incidents.saveStep([outage], [], [{ type: 'resolved', at: resolvedAt, incident: resolved }]);
    await until(async () => (await alertsOf(works.id)).length === 0, wait);
    // Re-posts stop with the incident: none brings it back.
    await sleep(3 * REPOST_MS);
    expect(await alertsOf(works.id)).toEqual([]);
  });

  it('sends a basic auth credential as the Authorization header, never showing it', async () => {
    const target = await createTarget({
      kind: 'alertmanager',
      url: `http://127.0.0.1:${receiver.port}/am`,
      basicAuth: { username: 'vigil', password },
    });
    expect(target.auth).toBe('basic');
    const now = Date.now();
    const incident: Incident = {
      id: 'outage:bs-am-2',
      kind: 'outage',
      rootDeviceId: 'bs-am-2',
      cause: 'parent_down',
      state: 'open',
      openedAt: now,
      updatedAt: now,
      affectedDeviceIds: ['bs-am-2'],
      affectedSubscriberIds: [],
      suppressAlerts: false,
    };
    await incidents.saveStep([], [incident], [{ type: 'opened', at: now, incident }]);
    const got = await until(
      () => receiver.received.find((r) => r.body.includes('outage:bs-am-2') && r.headers.authorization),
      wait,
    );
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from(`vigil:${password}`).toString('base64')}`);
    const alerts = JSON.parse(got.body) as AlertmanagerAlertView[];
    expect(alerts[0]?.labels).toMatchObject({ incident: 'outage:bs-am-2', root_device: 'bs-am-2' });

    const listed = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: t.auth.admin });
    expect(listed.json<{ items: { id: string; auth?: string }[] }>().items).toContainEqual(
      expect.objectContaining({ id: target.id, auth: 'basic' }),
    );
    expect(listed.body).not.toContain(password);
    expect(listed.body).not.toContain(Buffer.from(`vigil:${password}`).toString('base64'));
  });

  it('dead-letters an alert an Alertmanager never took, after the bounded attempts', async () => {
    const target = await createTarget({ kind: 'alertmanager', url: `http://127.0.0.1:${closedPort}` });
    const now = Date.now();
    const incident: Incident = {
      id: 'outage:bs-am-3',
      kind: 'outage',
      rootDeviceId: 'bs-am-3',
      cause: 'children_unreachable',
      state: 'open',
      openedAt: now,
      updatedAt: now,
      affectedDeviceIds: ['bs-am-3'],
      affectedSubscriberIds: [],
      suppressAlerts: false,
    };
    await incidents.saveStep([], [incident], [{ type: 'opened', at: now, incident }]);
    const dead = await until(async () => {
      const answer = await t.app.inject({
        method: 'GET',
        url: '/v1/webhooks/dead-letters',
        headers: t.auth.noc,
      });
      return answer
        .json<{ items: { subscriptionId: string; attempts: number; lastError: string }[] }>()
        .items.find((d) => d.subscriptionId === target.id);
    }, wait);
    expect(dead.attempts).toBe(2);
    expect(dead.lastError).toMatch(/^unreachable \(ECONNREFUSED\)/);
  });

  it('refuses what does not fit a kind: a signing secret for Alertmanager, credentials for a webhook', async () => {
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: t.auth.admin, payload });
    const bad = [
      { kind: 'alertmanager', url: am.url, secret: 'x'.repeat(20) },
      { kind: 'alertmanager', url: am.url, events: ['incident.opened'] },
      { kind: 'alertmanager', url: am.url, bearerToken: 'a', basicAuth: { username: 'u', password: 'p' } },
      { url: am.url, bearerToken: 'abc' },
      { url: am.url },
    ];
    for (const payload of bad) {
      const answer = await post(payload);
      expect({ payload, status: answer.statusCode }).toEqual({ payload, status: 422 });
      expect(answer.json<{ code: string }>().code).toBe('ERR_WEBHOOK_INVALID');
    }
    expect((await post({ kind: 'alertmanager', url: 'http://10.0.0.1:9093' })).statusCode).toBe(403);
  });
});
