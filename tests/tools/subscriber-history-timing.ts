/**
 * What a subscriber's history read costs on a big audit trail (README "HTTP API", subscriber history):
 * on the local Redis under a test prefix, writes a few of sub-1's audit entries and N other subscribers'
 * (the service's writer, so all are indexed), then reads GET /v1/subscribers/{id}/history through the app
 * (inject: no network) for sub-1 and for sub-2 (no entries at all), each round twice: from the index, and
 * with the index's marker removed, as an installation before the index (the bounded scan of the trail,
 * 20,000 entries a page). Prints the medians, their ratio (same run, same load) and each read's `partial`.
 * Usage: npx tsx tests/tools/subscriber-history-timing.ts [others=100000] [rounds=20]
 */
import { performance } from 'node:perf_hooks';
import { appendAudit } from '../../src/actions/audit-history-index.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { buildTestApp } from '../helpers/build-test-app.js';

const [others = 100_000, rounds = 20] = process.argv.slice(2).map(Number);

const t = await buildTestApp();
const { redis, keys } = t.testRedis;
const device = (id: string) => ({
  id,
  kind: 'cpe',
  parentId: null,
  site: 'site-1',
  profile: 'cpe-router',
  host: '127.0.0.1',
  port: 161,
  auth: 'sim',
});
await createInventoryStore({ redis, keys }).importInventory({
  sites: [{ id: 'site-1', name: 'site 1' }],
  devices: [device('cpe-1'), device('cpe-2')],
  subscribers: [
    { id: 'sub-1', deviceIds: ['cpe-1'] },
    { id: 'sub-2', deviceIds: ['cpe-2'] },
  ],
} as never);
const now = Date.now();
for (let i = 0; i < 5; i++)
  await t.services.actions.audit({
    at: now + i,
    what: i % 2 === 0 ? 'suggestion.dismissed' : 'reboot.requested',
    by: 'agent:a-17',
    deviceId: 'cpe-1',
    subscriberId: 'sub-1',
    actionId: `reboot-${i}`,
  });
for (let done = 0; done < others; done += 1000) {
  const pipeline = redis.pipeline();
  for (let i = done; i < Math.min(others, done + 1000); i++)
    appendAudit(pipeline, keys, {
      at: Date.now(),
      what: i % 2 === 1 ? 'suggestion.accepted' : 'action.finished',
      by: 'agent:a-2',
      deviceId: `cpe-other-${i % 5000}`,
      subscriberId: `sub-other-${i % 5000}`,
      actionId: `other-${i}`,
    });
  await pipeline.exec();
}
const marker = (await redis.get(keys.auditIndexedSince())) ?? '';

async function timed(subscriberId: string): Promise<{ ms: number; partial: boolean; items: number }> {
  const started = performance.now();
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/subscribers/${subscriberId}/history?limit=20`,
    headers: t.auth.agent,
  });
  const ms = performance.now() - started;
  if (response.statusCode !== 200)
    throw new Error(`${subscriberId}: ${response.statusCode} ${response.body}`);
  const page = response.json<{ partial: boolean; items: unknown[] }>();
  return { ms, partial: page.partial, items: page.items.length };
}

const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? 0;
console.log(`audit entries: ${await redis.xlen(keys.audit())}, rounds: ${rounds}`);
for (const subscriberId of ['sub-1', 'sub-2']) {
  const index: Awaited<ReturnType<typeof timed>>[] = [];
  const scan: Awaited<ReturnType<typeof timed>>[] = [];
  for (let round = 0; round < rounds; round++) {
    index.push(await timed(subscriberId));
    await redis.del(keys.auditIndexedSince());
    scan.push(await timed(subscriberId));
    await redis.set(keys.auditIndexedSince(), marker);
  }
  const [a, b] = [median(index.map((r) => r.ms)), median(scan.map((r) => r.ms))];
  const what = (r: Awaited<ReturnType<typeof timed>>[]) => `${r[0]?.items} items, partial ${r[0]?.partial}`;
  console.log(
    `${subscriberId}: index median ${a.toFixed(2)} ms (${what(index)}); scan median ${b.toFixed(2)} ms ` +
      `(${what(scan)}); scan/index ${(b / a).toFixed(1)}x`,
  );
}
await t.close();
