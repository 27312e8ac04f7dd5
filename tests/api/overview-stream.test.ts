import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../src/metrics/overview.js';
import { generateFleet } from '../../src/sim/fleet-generator.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { connectSse } from '../helpers/sse-client.js';

/** `/v1/overview/events` on the real app and Redis: a picture at once, a fresh one when a poller says a status moved. */
describe('the overview stream', () => {
  let t: TestApp;
  let url: string;
  const { inventory } = generateFleet({
    devices: 40,
    fanout: 9,
    seed: 5,
    firstOctet: 40,
    port: 16_100,
    authProfile: 'sim',
    staleShare: 0,
    nowMs: Date.now(),
  });

  beforeAll(async () => {
    t = await buildTestApp();
    url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    await t.services.inventory.importInventory(inventory);
  });
  afterAll(async () => {
    await t?.close();
  });

  const downOf = (event: { data: Record<string, unknown> }): number =>
    (event.data as unknown as Overview).fleet.reduce((sum, kind) => sum + kind.byStatus.down, 0);

  it('sends the overview at once, then again when the pollers publish a status change, without being asked', async () => {
    const stream = await connectSse(`${url}/v1/overview/events`, t.auth.noc);
    expect(stream.status).toBe(200);
    const first = await stream.waitFor((e) => e.type === 'overview');
    const overview = first.data as unknown as Overview;
    expect(overview.fleet.reduce((sum, kind) => sum + kind.total, 0)).toBe(inventory.devices.length);
    expect(downOf(first)).toBe(0);

    // What a poll batch writes when a device falls silent: the status index, then the signal.
    const { redis, keys } = t.testRedis;
    const device = inventory.devices.find((d) => d.kind === 'access_node')!;
    const shard = keys.pollShardOf(device.id);
    await redis.zrem(keys.devicesByStatus('unknown', shard), device.id);
    await redis.zadd(keys.devicesByStatus('down', shard), 0, device.id);
    await redis.publish(keys.deviceStatusChanged(), '1');
    // Well inside the 15 s periodic refresh: this one came from the signal.
    const next = await stream.waitFor((e) => e.type === 'overview' && downOf(e) === 1, 10_000, 1);
    const kinds = (next.data as unknown as Overview).fleet;
    expect(kinds.find((k) => k.kind === 'access_node')!.byStatus.down).toBe(1);
    stream.close();
  });

  it('refuses an agent key, like the summary route', async () => {
    const stream = await connectSse(`${url}/v1/overview/events`, t.auth.agent);
    expect(stream.status).toBe(403);
    stream.close();
  });
});
