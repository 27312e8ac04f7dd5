import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffIncident, type Incident, type IncidentChange } from '../../src/correlation/index.js';
import type { DeviceStatus } from '../../src/detection/device-status.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import type { IncidentTreeLevel, IncidentTreeNode } from '../../src/diagnosis/incident-tree.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createDeviceStatusIndex } from '../../src/polling/device-status-index.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

/**
 * The incident tree keeps its walks (per inventory version) and the incident (per store version)
 * between reads: what it answers must still be what the inventory, the status index and the incident
 * say now. Every count is checked against one worked out here from the inventory itself.
 *
 * bs-1 → an-1 (300 CPEs), an-2 → agg-1 (50 CPEs) and 20 CPEs directly, an-3 (nothing beneath).
 */
interface TestDevice {
  id: string;
  kind: string;
  parentId: string | null;
  site: string;
  profile: string;
  host: string;
  port: number;
  auth: string;
}
const device = (id: string, kind: string, parentId: string | null): TestDevice => ({
  id,
  kind,
  parentId,
  site: 'site-1',
  profile: kind === 'cpe' ? 'cpe-gpon' : 'access-node',
  host: '127.0.0.1',
  port: 161,
  auth: 'sim',
});
const cpes = (parent: string, n: number) =>
  Array.from({ length: n }, (_, i) => device(`cpe-${parent}-${String(i).padStart(3, '0')}`, 'cpe', parent));
const devices: TestDevice[] = [
  device('bs-1', 'base_station', null),
  device('an-1', 'access_node', 'bs-1'),
  device('an-2', 'access_node', 'bs-1'),
  device('an-3', 'access_node', 'bs-1'),
  device('agg-1', 'access_node', 'an-2'),
  ...cpes('an-1', 300),
  ...cpes('agg-1', 50),
  ...cpes('an-2', 20),
];
/** A mix, so every count is tested: every 7th up, every 11th degraded, every 13th never polled. */
const statusAt = (i: number): DeviceStatus =>
  i % 13 === 0 ? 'unknown' : i % 11 === 0 ? 'degraded' : i % 7 === 0 ? 'up' : 'down';
const statuses = new Map<string, DeviceStatus>(devices.map((d, i) => [d.id, statusAt(i)]));
const INCIDENT = 'outage:bs-1';
const url = (query: string) => `/v1/incidents/${encodeURIComponent(INCIDENT)}/tree?${query}`;

/** What lies beneath `id` by status, from the inventory and the statuses set here. */
function expectedBelow(id: string): Record<DeviceStatus | 'devices', number> {
  const counts = { devices: 0, down: 0, degraded: 0, up: 0, unknown: 0 };
  const walk = (parent: string): void => {
    for (const child of devices.filter((d) => d.parentId === parent)) {
      counts.devices += 1;
      counts[statuses.get(child.id) ?? 'unknown'] += 1;
      walk(child.id);
    }
  };
  walk(id);
  return counts;
}

let t: TestApp;
const read = async (query: string): Promise<IncidentTreeLevel> => {
  const response = await t.app.inject({ method: 'GET', url: url(query), headers: t.auth.noc });
  expect(response.statusCode).toBe(200);
  return response.json<IncidentTreeLevel>();
};
/** Every node of one parent's level, all pages, the parent first. */
async function wholeLevel(parent: string): Promise<IncidentTreeNode[]> {
  const nodes: IncidentTreeNode[] = [];
  let cursor: string | undefined;
  do {
    const level = await read(`parent=${parent}&limit=64${cursor ? `&cursor=${cursor}` : ''}`);
    if (nodes.length === 0) nodes.push(level.node);
    nodes.push(...level.items);
    cursor = level.nextCursor;
  } while (cursor);
  return nodes;
}
async function expectCountsMatch(parent: string): Promise<void> {
  for (const node of await wholeLevel(parent)) {
    expect({ id: node.id, below: node.below }).toEqual({ id: node.id, below: expectedBelow(node.id) });
    expect(node.status).toBe(statuses.get(node.id) ?? 'unknown');
  }
}
async function setStatuses(changes: [string, DeviceStatus][]): Promise<void> {
  const { redis, keys } = t.testRedis;
  await createDeviceStatusIndex(redis, keys).update(
    changes.map(([id, after]) => ({
      id,
      before: { status: statuses.get(id) ?? 'unknown', findingKinds: [] },
      after: { status: after, findingKinds: [] },
    })),
  );
  for (const [id, after] of changes) statuses.set(id, after);
}
async function saveIncident(affectedDeviceIds: string[]): Promise<void> {
  const { redis, keys } = t.testRedis;
  const store = createIncidentStore(redis, keys);
  const previous = await store.active();
  const now = Date.now();
  const incident: Incident = {
    id: INCIDENT,
    kind: 'outage',
    rootDeviceId: 'bs-1',
    cause: 'parent_down',
    state: 'open',
    openedAt: now,
    updatedAt: now,
    affectedDeviceIds: [...affectedDeviceIds].sort(),
    affectedSubscriberIds: [],
    suppressAlerts: false,
  };
  const [before] = previous;
  const change: IncidentChange = before
    ? { type: 'updated', at: now, incident, diff: diffIncident(before, incident) ?? {} }
    : { type: 'opened', at: now, incident };
  await store.saveStep(previous, [incident], [change]);
}

beforeAll(async () => {
  t = await buildTestApp();
  const { redis, keys } = t.testRedis;
  await createInventoryStore({ redis, keys }).importInventory({
    sites: [{ id: 'site-1', name: 'Tver' }],
    devices,
    subscribers: [],
  } as never);
  const polled = [...statuses].filter(([, status]) => status !== 'unknown');
  for (const [id] of polled) statuses.set(id, 'unknown');
  await setStatuses(polled);
  await saveIncident(devices.map((d) => d.id));
});
afterAll(async () => {
  await t?.close();
});

describe('the incident tree, its walks and the incident kept between reads', () => {
  it('counts what lies beneath every node of every level by status, as the inventory has it', async () => {
    for (const parent of ['bs-1', 'an-1', 'an-2', 'agg-1', 'an-3']) await expectCountsMatch(parent);
    // Read twice: the second answer comes from the kept walk and must be the same.
    await expectCountsMatch('bs-1');
  });

  it('shows a status change at the next read, the walk kept', async () => {
    await read('limit=10');
    await setStatuses([
      ['cpe-agg-1-000', 'up'],
      ['cpe-an-1-005', 'degraded'],
      ['agg-1', 'up'],
    ]);
    await expectCountsMatch('bs-1');
    await expectCountsMatch('an-2');
  });

  it('walks again once the inventory changed: a device added beneath is counted, its parent has one more child', async () => {
    const before = (await read('parent=an-2&limit=10')).items.find((n) => n.id === 'agg-1');
    const added = [device('cpe-agg-1-new', 'cpe', 'agg-1'), device('an-3-child', 'cpe', 'an-3')];
    devices.push(...added);
    const { redis, keys } = t.testRedis;
    await createInventoryStore({ redis, keys }).importInventory({
      sites: [{ id: 'site-1', name: 'Tver' }],
      devices,
      subscribers: [],
    } as never);
    await setStatuses([['cpe-agg-1-new', 'down']]);
    const after = (await read('parent=an-2&limit=10')).items.find((n) => n.id === 'agg-1');
    expect(after?.children).toBe((before?.children ?? 0) + 1);
    expect(after?.below.devices).toBe((before?.below.devices ?? 0) + 1);
    await expectCountsMatch('bs-1');
    await expectCountsMatch('an-3');
  });

  it('marks as cut off what the incident lists now, after a step changed it', async () => {
    const first = await read('limit=10');
    expect(first.items.find((n) => n.id === 'an-3')?.affected).toBe(true);
    await saveIncident(['bs-1', 'an-1']);
    const second = await read('limit=10');
    expect(second.items.map((n) => [n.id, n.affected])).toEqual([
      ['an-1', true],
      ['an-2', false],
      ['an-3', false],
    ]);
  });
});
