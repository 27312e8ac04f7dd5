import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollService } from '../../src/polling/poll-service.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import { recentPoints } from '../../src/polling/recent-samples.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { createTestPollService, TEST_POLL_SHARDS } from '../helpers/test-poll-service.js';
import { cardOverPollShards } from '../../src/platform/poll-shard-reads.js';
import { zscoreInShard } from '../helpers/poll-shard-sets.js';

/**
 * A batch larger than poll-batch.ts's load and write chunks, polled with few polls in flight so its
 * chunks are loaded and written while others are still being polled: every device is polled, judged
 * and stored exactly once, as when a batch was loaded and written whole.
 */
describe('a poll batch streamed in chunks', () => {
  let sim: Simulator;
  let redis: TestRedis;
  const answeredAt = (id: string) =>
    zscoreInShard(redis.redis, redis.keys, (s) => redis.keys.devicesAnsweredAt(s), id);
  let closeService: () => Promise<void>;
  let service: PollService;

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 174, devices: 150, fanout: 30 });
    redis = await createTestRedis();
    const built = await createTestPollService(sim, redis, { timeoutMs: 500, concurrency: 8 });
    service = built.service;
    closeService = built.close;
  });

  afterAll(async () => {
    await closeService?.();
    await sim?.close();
    await redis?.close();
  });

  it('reports, stores and indexes every device of the batch once, and skips ids the inventory lacks', async () => {
    const ids = sim.devices.map((d) => d.id);
    expect(ids.length).toBeGreaterThan(128);
    const reports = await service.pollDevices([...ids, 'not-in-the-inventory']);
    expect(reports.map((r) => r.deviceId).sort()).toEqual([...ids].sort());
    expect(reports.every((r) => r.result.outcome === 'ok')).toBe(true);
    // The sample was judged and stored; reports are kept without it until the batch ends.
    expect(reports.filter((r) => r.result.sample !== undefined)).toEqual([]);

    const states = await createPollerStateStore(redis.redis, redis.keys, TEST_POLL_SHARDS).load(ids);
    expect(states.size).toBe(ids.length);
    for (const id of ids) expect(states.get(id)?.detection.lastSample?.at).toBeGreaterThan(0);
    const { keys } = redis;
    expect(await cardOverPollShards(redis.redis, keys, (s) => keys.devicesAnsweredAt(s))).toBe(ids.length);
    expect(await cardOverPollShards(redis.redis, keys, (s) => keys.devicesByStatus('up', s))).toBe(
      ids.length,
    );
    expect(await answeredAt('not-in-the-inventory')).toBeNull();
  });

  it('computes rates on the next batch from the states the chunks wrote', async () => {
    const ids = sim.devices.map((d) => d.id);
    const before = await createPollerStateStore(redis.redis, redis.keys, TEST_POLL_SHARDS).load(ids);
    await service.pollDevices(ids);
    const after = await createPollerStateStore(redis.redis, redis.keys, TEST_POLL_SHARDS).load(ids);
    for (const id of ids) {
      expect(after.get(id)?.detection.lastSample?.at).toBeGreaterThan(
        before.get(id)?.detection.lastSample?.at ?? 0,
      );
      // Both polls are in the recent history: the second chunked write read and extended the first.
      expect(recentPoints(after.get(id)?.recent)).toHaveLength(2);
    }
  });

  it('takes a device that answered and then went silent out of the answered-at index', async () => {
    const device = sim.devices.find((d) => d.kind === 'cpe')!;
    const answered = await answeredAt(device.id);
    expect(Number(answered)).toBeGreaterThan(0);
    sim.addFault(device.id, 'down');
    try {
      const [report] = await service.pollDevices([device.id]);
      expect(report?.result.outcome).toBe('timeout');
      // Correlation reads this index as "answered since": a silent device must not count as serving.
      expect(await answeredAt(device.id)).toBeNull();
    } finally {
      sim.removeFaults(device.id);
    }
    await service.pollDevices([device.id]);
    expect(Number(await answeredAt(device.id))).toBeGreaterThan(Number(answered));
  });
});
