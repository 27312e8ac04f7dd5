import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_STATUSES, type DeviceStatus } from '../../src/detection/device-status.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { readFleetByKind } from '../../src/metrics/fleet-by-kind.js';
import { minuteOf, readMinuteSeries, sampleMinute } from '../../src/metrics/minute-series.js';
import { generateFleet } from '../../src/sim/fleet-generator.js';
import { countInto } from '../../src/platform/fleet-counters.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { zaddInShards } from '../helpers/poll-shard-sets.js';

/** The overview's Redis reads against a real Redis: the minute samples and the fleet by kind and status. */
describe('the NOC overview’s numbers', () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await createTestRedis();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a minute is sampled once, and its counts are the next sample’s counters less its own', async () => {
    const { redis, keys } = t;
    // Two seconds into a minute, as the sampler's first look of the minute would be.
    const start = (minuteOf(Date.now()) - 3) * 60_000 + 2_000;
    const count = async (
      series: Parameters<typeof countInto>[2],
      labels: Record<string, string>,
      by: number,
    ) => {
      const pipeline = redis.pipeline();
      countInto(pipeline, keys, series, labels, by);
      await pipeline.exec();
    };
    await count('vigil_polls_total', { outcome: 'ok' }, 100);
    expect(await sampleMinute(redis, keys, start)).toBe(true);
    // Another process, the same minute: it finds the sample taken and writes nothing.
    await count('vigil_polls_total', { outcome: 'ok' }, 1_000);
    expect(await sampleMinute(redis, keys, start + 4_000)).toBe(false);

    await count('vigil_polls_total', { outcome: 'timeout' }, 7);
    await count('vigil_suggestions_total', { kind: 'remote_reboot', state: 'proposed' }, 3);
    await count('vigil_suggestions_total', { kind: 'remote_reboot', state: 'accepted' }, 2);
    await count('vigil_actions_total', { kind: 'remote_reboot', result: 'failed' }, 1);
    await count('vigil_webhook_deliveries_total', { result: 'dead' }, 4);
    await zaddInShards(redis, keys, (s) => keys.devicesByFinding('unreachable', s), [
      [0, 'cpe-1'],
      [0, 'cpe-2'],
    ]);
    expect(await sampleMinute(redis, keys, start + 60_000)).toBe(true);

    const series = await readMinuteSeries(redis, keys, start + 61_000);
    expect(series).toHaveLength(60);
    const [before, sampled] = series.slice(-2);
    // The minute before the first sample has no record: null, not a quiet zero.
    expect(before).toMatchObject({ polls: null, seconds: null, findingsOpen: null });
    expect(sampled).toEqual({
      at: new Date(minuteOf(start) * 60_000).toISOString(),
      seconds: 60,
      polls: 1_007,
      pollFailures: 7,
      findingsOpened: 0,
      findingsOpen: 0,
      suggestionsMade: 3,
      suggestionsAccepted: 2,
      actionsSucceeded: 0,
      actionsFailed: 1,
      alertsDelivered: 0,
      alertsRetried: 0,
      alertsDead: 4,
    });
    // The open findings are read when the sample is taken: the next minute's sample saw both.
    const later = await readMinuteSeries(redis, keys, start + 121_000);
    expect(later.at(-1)).toMatchObject({ findingsOpen: 2, polls: null });
    expect(await redis.ttl(keys.metricMinute(minuteOf(start)))).toBeGreaterThan(3_600);
  });

  it('devices by kind and status add up to the inventory, the access nodes and base stations walked a chunk at a time', async () => {
    const { redis, keys } = t;
    // One CPE per parent: over a thousand of each parent kind, so the walk takes more than one chunk.
    const { inventory } = generateFleet({
      devices: 4_400,
      fanout: 1,
      seed: 11,
      firstOctet: 20,
      port: 16_100,
      authProfile: 'sim',
      staleShare: 0,
      nowMs: Date.now(),
    });
    await createInventoryStore({ redis, keys }).importInventory(inventory);
    const expected = new Map<string, Record<DeviceStatus, number>>();
    const writes: Promise<number>[] = [];
    inventory.devices.forEach((device, i) => {
      // Every fifth unknown (never polled), the others spread over up, degraded and down.
      const status: DeviceStatus = i % 5 === 0 ? 'unknown' : (['up', 'degraded', 'down'] as const)[i % 3]!;
      const counts = expected.get(device.kind) ?? { unknown: 0, up: 0, degraded: 0, down: 0 };
      counts[status] += 1;
      expected.set(device.kind, counts);
      if (status === 'unknown') return;
      // In the device's own poll shard, as a poll writes it.
      const shard = keys.pollShardOf(device.id);
      for (const other of DEVICE_STATUSES)
        writes.push(redis.zrem(keys.devicesByStatus(other, shard), device.id));
      writes.push(redis.zadd(keys.devicesByStatus(status, shard), 0, device.id));
    });
    await Promise.all(writes);

    const health = await readFleetByKind(redis, keys);
    expect(health.map((h) => h.kind)).toEqual(['cpe', 'access_node', 'base_station']);
    for (const { kind, total, byStatus } of health) {
      expect(byStatus).toEqual(expected.get(kind));
      expect(total).toBe(inventory.devices.filter((d) => d.kind === kind).length);
    }
    expect(health.find((h) => h.kind === 'access_node')!.total).toBeGreaterThan(1_000);
  });
});
