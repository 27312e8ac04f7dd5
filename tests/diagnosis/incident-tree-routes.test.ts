import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookStore } from '../../src/alerts/webhook-store.js';
import type { Delivery } from '../../src/alerts/webhook.js';
import type { Incident } from '../../src/correlation/index.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import type { DeviceStatus } from '../../src/detection/device-status.js';
import type { IncidentSubscriberPage } from '../../src/diagnosis/incident-subscribers.js';
import type { IncidentTreeLevel } from '../../src/diagnosis/incident-tree.js';
import type { IncidentTimeline } from '../../src/api/incident-timeline.js';
import type { ApiTimes } from '../../src/shared/api-times.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createDeviceStatusIndex } from '../../src/polling/device-status-index.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

/**
 * An outage's shape through the API, on a real Redis: the tree a level and a page at a time with
 * statuses and what lies beneath, the affected subscribers paged with those in a conversation marked,
 * and the timeline with the ETA changes and the alerts sent.
 *
 * an-1 (root, down) → an-2 (down) → 5 CPEs (down), and 250 CPEs directly (240 down, 10 up).
 */
const direct = Array.from({ length: 250 }, (_, i) => `cpe-${String(i + 1).padStart(3, '0')}`);
const nested = Array.from({ length: 5 }, (_, i) => `cpe-n${i + 1}`);
const device = (id: string, kind: string, parentId: string | null) => ({
  id,
  kind,
  parentId,
  site: 'site-1',
  profile: kind === 'cpe' ? 'cpe-gpon' : 'access-node',
  host: '127.0.0.1',
  port: 161,
  auth: 'sim',
});
const inventory = {
  sites: [{ id: 'site-1', name: 'Tver, Lenina 1' }],
  devices: [
    device('an-1', 'access_node', null),
    device('an-2', 'access_node', 'an-1'),
    ...direct.map((id) => device(id, 'cpe', 'an-1')),
    ...nested.map((id) => device(id, 'cpe', 'an-2')),
  ],
  subscribers: [...direct, ...nested].map((id) => ({
    id: `sub-${id}`,
    name: `Subscriber of ${id}`,
    account: `ACC-${id}`,
    deviceIds: [id],
  })),
};
const up = new Set(direct.slice(240));
const down = ['an-1', 'an-2', ...nested, ...direct.filter((id) => !up.has(id))].sort();
const subscribers = [...direct, ...nested].map((id) => `sub-${id}`).sort();
const INCIDENT = 'outage:an-1';

let t: TestApp;
const get = async (url: string) => t.app.inject({ method: 'GET', url, headers: t.auth.noc });
const tree = async (query: string) =>
  (await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/tree?${query}`)).json<IncidentTreeLevel>();
const code = (response: { json: () => unknown }) => (response.json() as { code: string }).code;

beforeAll(async () => {
  t = await buildTestApp();
  const { redis, keys } = t.testRedis;
  await createInventoryStore({ redis, keys }).importInventory(inventory as never);
  const status = (id: string): DeviceStatus => (up.has(id) ? 'up' : 'down');
  await createDeviceStatusIndex(redis, keys).update(
    inventory.devices.map(({ id }) => ({
      id,
      before: { status: 'unknown', findingKinds: [] },
      after: { status: status(id), findingKinds: [] },
    })),
  );
  const openedAt = Date.now() - 60_000;
  const incident: Incident = {
    id: INCIDENT,
    kind: 'outage',
    rootDeviceId: 'an-1',
    cause: 'parent_down',
    state: 'open',
    openedAt,
    updatedAt: openedAt + 30_000,
    affectedDeviceIds: down,
    affectedSubscriberIds: subscribers,
    suppressAlerts: false,
  };
  await createIncidentStore(redis, keys).saveStep(
    [],
    [incident],
    [{ type: 'opened', at: openedAt + 30_000, incident }],
  );
  // Two subscribers are talking to agents (one of them in two channels).
  await redis.sadd(keys.subscriberConversations('sub-cpe-002'), 'conv-a', 'conv-b');
  await redis.sadd(keys.subscriberConversations('sub-cpe-n3'), 'conv-c');
  // One alert queued for it, then taken by the receiver.
  const delivery: Delivery = {
    id: 'wh-1:1-0',
    subscriptionId: 'wh-1',
    event: 'incident.opened',
    eventId: '1-0',
    payload: {
      id: '1-0',
      type: 'incident.opened',
      at: new Date().toISOString(),
      incident: { id: INCIDENT },
      affectedSubscribers: { count: subscribers.length },
    },
    attempts: 0,
  };
  await createWebhookStore(redis, keys).enqueue('wh-1', [delivery, { ...delivery, id: 'wh-2:1-0' }]);
});
afterAll(async () => {
  await t?.close();
});

describe('GET /v1/incidents/{id}/tree', () => {
  it('draws the root collapsed, with what lies beneath it by status', async () => {
    const response = await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/tree?limit=100`);
    expect(response.statusCode).toBe(200);
    const level = response.json<IncidentTreeLevel>();
    expect(level.path).toEqual(['an-1']);
    expect(level.node).toMatchObject({
      id: 'an-1',
      status: 'down',
      affected: true,
      children: 251,
      below: { devices: 256, down: 246, up: 10, degraded: 0, unknown: 0 },
    });
    expect(level.items).toHaveLength(100);
    expect(level.items[0]).toMatchObject({ id: 'an-2', kind: 'access_node', children: 5 });
    expect(level.items[0]?.below).toEqual({ devices: 5, down: 5, up: 0, degraded: 0, unknown: 0 });
    expect(level.items[1]).toMatchObject({ id: 'cpe-001', status: 'down', subscribers: 1, children: 0 });
    expect(level.nextCursor).toEqual(expect.any(String));
  });

  it('pages the children: every child once, in order, the last page without a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = `limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const level = await tree(query);
      seen.push(...level.items.map((n) => n.id));
      cursor = level.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['an-2', ...direct]);
    const last = await tree(`limit=100&cursor=${Buffer.from('cpe-200').toString('base64url')}`);
    expect(last.items.filter((n) => n.status === 'up').map((n) => n.id)).toEqual([...up]);
  });

  it('expands a node beneath the root, with the way back up', async () => {
    const response = await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/tree?parent=an-2`);
    expect(response.statusCode).toBe(200);
    const level = response.json<IncidentTreeLevel>();
    expect(level.path).toEqual(['an-1', 'an-2']);
    expect(level.items.map((n) => n.id)).toEqual(nested);
    expect(level.nextCursor).toBeUndefined();
  });

  it('answers 404 problems for an unknown incident and a device outside its tree', async () => {
    const unknown = await get('/v1/incidents/outage:an-9/tree');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(code(unknown)).toBe('ERR_INCIDENT_NOT_FOUND');
    const outside = await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/tree?parent=nowhere`);
    expect(outside.statusCode).toBe(404);
    expect(code(outside)).toBe('ERR_DEVICE_NOT_FOUND');
  });

  it('refuses a cursor it never wrote and a limit out of range with 400 problems', async () => {
    const bad = await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/tree?cursor=%25%25not-ours`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const tooMany = await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/tree?limit=501`);
    expect(tooMany.statusCode).toBe(400);
  });

  it('is for NOC: an agent key is refused', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/v1/incidents/${encodeURIComponent(INCIDENT)}/tree`,
      headers: t.auth.agent,
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('GET /v1/incidents/{id}/subscribers', () => {
  it('pages every affected subscriber once, those in a conversation marked', async () => {
    const seen: IncidentSubscriberPage['items'] = [];
    let cursor: string | undefined;
    do {
      const query = `limit=120${cursor ? `&cursor=${cursor}` : ''}`;
      const url = `/v1/incidents/${encodeURIComponent(INCIDENT)}/subscribers?${query}`;
      const page = (await get(url)).json<IncidentSubscriberPage>();
      expect(page.total).toBe(subscribers.length);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && seen.length < 1000);
    expect(seen.map((s) => s.id)).toEqual(subscribers);
    const talking = seen.filter((s) => s.openConversations > 0);
    expect(talking).toEqual([
      expect.objectContaining({ id: 'sub-cpe-002', openConversations: 2, deviceIds: ['cpe-002'] }),
      expect.objectContaining({ id: 'sub-cpe-n3', openConversations: 1 }),
    ]);
  });

  it('refuses a bad cursor (400) and an unknown incident (404)', async () => {
    const bad = await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/subscribers?cursor=%00`);
    expect(bad.statusCode).toBe(400);
    expect(code(bad)).toMatch(/^ERR_(INCIDENT_QUERY_INVALID|REQUEST_INVALID)$/);
    const notOurs = await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/subscribers?cursor=c3ViLQ`);
    expect(notOurs.statusCode).toBe(200);
    const garbage = await get(`/v1/incidents/${encodeURIComponent(INCIDENT)}/subscribers?cursor=@@`);
    expect(garbage.statusCode).toBe(400);
    expect(code(garbage)).toBe('ERR_INCIDENT_QUERY_INVALID');
    const unknown = await get('/v1/incidents/outage:an-9/subscribers');
    expect(unknown.statusCode).toBe(404);
  });
});

describe('GET /v1/incidents/{id}/timeline', () => {
  it('tells the first failure, the announcement, each ETA and note NOC set, the ack and the alerts', async () => {
    const url = `/v1/incidents/${encodeURIComponent(INCIDENT)}`;
    const eta1 = '2026-12-31T18:00:00.000Z';
    const eta2 = '2026-12-31T20:00:00.000Z';
    for (const body of [{ eta: eta1 }, { eta: eta2, note: 'crew on site' }, { eta: null }]) {
      const patched = await t.app.inject({ method: 'PATCH', url, headers: t.auth.noc, payload: body });
      expect(patched.statusCode).toBe(200);
    }
    expect((await t.app.inject({ method: 'POST', url: `${url}/ack`, headers: t.auth.noc })).statusCode).toBe(
      200,
    );

    const response = await get(`${url}/timeline`);
    expect(response.statusCode).toBe(200);
    const timeline = response.json<ApiTimes<IncidentTimeline>>();
    const types = timeline.items.map((i) => i.type);
    expect(types).toEqual(['first_failure', 'opened', 'eta', 'eta', 'note', 'eta', 'acknowledged']);
    const etas = timeline.items.filter((i) => i.type === 'eta');
    expect(etas).toEqual([
      expect.objectContaining({ to: eta1 }),
      expect.objectContaining({ from: eta1, to: eta2 }),
      expect.objectContaining({ from: eta2 }),
    ]);
    expect(etas[2]).not.toHaveProperty('to');
    expect(timeline.items[1]).toMatchObject({ devices: down.length, subscribers: subscribers.length });
    expect(timeline.alerts).toMatchObject({ queued: 2, delivered: 0, dead: 0 });
    expect(timeline.alerts.byEvent['incident.opened']).toEqual({ queued: 2, delivered: 0, dead: 0 });
    expect((await get('/v1/incidents/outage:an-9/timeline')).statusCode).toBe(404);
  });
});
