/**
 * What the incident page's reads cost on a big outage (README "HTTP API", incident tree): builds, on the
 * local Redis under a test prefix, a base station with A access nodes of C CPEs each (every device down,
 * one subscriber per CPE) and one open outage over it, then times 15 requests of each route through the
 * app (inject: no network) and prints the first (cold: the tree's walk not yet kept), and the median and
 * fastest of the others.
 * Usage: npx tsx tests/tools/incident-tree-timing.ts [accessNodes=40] [cpesPerNode=500]
 */
import { performance } from 'node:perf_hooks';
import type { Incident } from '../../src/correlation/index.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createDeviceStatusIndex } from '../../src/polling/device-status-index.js';
import { buildTestApp } from '../helpers/build-test-app.js';

const [accessNodes = 40, cpesPerNode = 500] = process.argv.slice(2).map(Number);
const ROUNDS = 15;

const t = await buildTestApp();
const { redis, keys } = t.testRedis;
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
const devices = [device('bs-1', 'base_station', null)];
const subscribers: { id: string; name: string; account: string; deviceIds: string[] }[] = [];
for (let a = 0; a < accessNodes; a++) {
  const an = `an-${String(a).padStart(3, '0')}`;
  devices.push(device(an, 'access_node', 'bs-1'));
  for (let c = 0; c < cpesPerNode; c++) {
    const id = `cpe-${an}-${String(c).padStart(4, '0')}`;
    devices.push(device(id, 'cpe', an));
    subscribers.push({ id: `sub-${id}`, name: id, account: id, deviceIds: [id] });
  }
}
await createInventoryStore({ redis, keys }).importInventory({
  sites: [{ id: 'site-1', name: 'site 1' }],
  devices,
  subscribers,
} as never);
await createDeviceStatusIndex(redis, keys).update(
  devices.map(({ id }) => ({
    id,
    before: { status: 'unknown', findingKinds: [] },
    after: { status: 'down', findingKinds: [] },
  })),
);
const now = Date.now();
const incident: Incident = {
  id: 'outage:bs-1',
  kind: 'outage',
  rootDeviceId: 'bs-1',
  cause: 'parent_down',
  state: 'open',
  openedAt: now,
  updatedAt: now,
  affectedDeviceIds: devices.map((d) => d.id).sort(),
  affectedSubscriberIds: subscribers.map((s) => s.id).sort(),
  suppressAlerts: false,
};
await createIncidentStore(redis, keys).saveStep([], [incident], [{ type: 'opened', at: now, incident }]);

const base = '/v1/incidents/outage%3Abs-1';
const routes: [string, string][] = [
  [`tree: the root (${accessNodes} children, ${devices.length - 1} beneath)`, `${base}/tree?limit=100`],
  [`tree: an-000 (${cpesPerNode} CPEs), first page of 100`, `${base}/tree?parent=an-000&limit=100`],
  ['subscribers: first page of 100', `${base}/subscribers?limit=100`],
  ['timeline', `${base}/timeline`],
];
for (const [name, url] of routes) {
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const response = await t.app.inject({ method: 'GET', url, headers: t.auth.noc });
    ms.push(performance.now() - started);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  }
  const [first = 0, ...rest] = ms;
  rest.sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)] ?? 0;
  console.log(
    `${name}: first ${first.toFixed(1)} ms; then median ${median.toFixed(1)} ms, fastest ${(rest[0] ?? 0).toFixed(1)} ms`,
  );
}
await t.close();
