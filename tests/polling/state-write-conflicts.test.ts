import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../src/inventory/index.js';
import type { PollService } from '../../src/polling/poll-service.js';
import { statusFacts } from '../../src/polling/device-status-index.js';
import { createPollerStateStore, packLive } from '../../src/polling/poller-state-store.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestPollService, TEST_POLL_SHARDS } from '../helpers/test-poll-service.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

/**
 * Two writers of one device's state: a trap's announcement lands while a poll of the device is in
 * flight. The poll read the state before the announcement; writing its judgement over it would keep
 * the announced finding published but gone from the state, so no later poll could ever clear it.
 */
describe('a state write over a state another writer changed', () => {
  let redis: TestRedis;
  let sim: Simulator;
  let service: PollService;
  let closeService: () => Promise<void>;
  let cpe: Device;

  beforeAll(async () => {
    redis = await createTestRedis();
    sim = await startTestSimulator({ firstOctet: 193, devices: 10, fanout: 9 });
    ({ service, close: closeService } = await createTestPollService(sim, redis, { timeoutMs: 4_000 }));
    cpe = sim.fleet.inventory.devices.find((d) => d.kind === 'cpe') as Device;
  });

  afterAll(async () => {
    await closeService?.();
    await sim?.close();
    await redis?.close();
  });

  /** The device's finding changes as published, oldest first: `opened:unreachable`, … */
  async function changesOf(deviceId: string): Promise<string[]> {
    const entries = await redis.redis.xrange(redis.keys.findingEvents(), '-', '+');
    return entries.flatMap(([, fields]) => {
      const field = (name: string) => fields[fields.indexOf(name) + 1] as string;
      if (field('deviceId') !== deviceId) return [];
      return [`${field('type')}:${(JSON.parse(field('finding')) as { kind: string }).kind}`];
    });
  }

  it('is refused, and the poll is judged again from the announced state, which it clears', async () => {
    await service.pollDevices([cpe.id]);
    // The device answers, slowly: the announcement is stored while the poll waits for the answer.
    sim.addFault(cpe.id, 'slow', { latencyMs: 1_000 });
    const polling = service.pollDevices([cpe.id]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await service.announceSilence(cpe.id, { alarm: 'dying_gasp', reportedBy: cpe.id });
    const [report] = await polling;

    expect(report?.result.outcome).toBe('ok');
    // Opened by the announcement, cleared by the poll judged again on top of it.
    expect(await changesOf(cpe.id)).toEqual(['opened:unreachable', 'cleared:unreachable']);
    const states = createPollerStateStore(redis.redis, redis.keys, TEST_POLL_SHARDS);
    const stored = (await states.load([cpe.id])).get(cpe.id);
    expect(stored?.detection.reachable).toBe(true);
    expect(Object.keys(stored?.detection.findings ?? {})).toEqual([]);
    const counters = await redis.redis.hgetall(redis.keys.metricCounters());
    expect(counters['vigil_poll_write_conflicts_total{done="judged_again"}']).toBe('1');
  });

  it('counts each write: a state read twice is written once, and then again from what was written', async () => {
    sim.removeFaults(cpe.id);
    const states = createPollerStateStore(redis.redis, redis.keys, TEST_POLL_SHARDS);
    const before = (await states.load([cpe.id])).get(cpe.id);
    await service.pollDevices([cpe.id]);
    const after = (await states.load([cpe.id])).get(cpe.id);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    // A copy of the state as read before that poll: its write is now refused.
    const stale = { ...before!, detection: { ...before!.detection } };
    const facts = statusFacts(stale.detection);
    const saved = await states.saveLive([
      { state: packLive(stale), change: { id: cpe.id, before: facts, after: facts } },
    ]);
    expect(saved).toEqual({ skipped: [], conflicted: [cpe.id] });
  });
});
