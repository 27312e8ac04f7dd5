import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPollTracker } from '../../src/bench/fleet/poll-tracker.js';
import { slotOffsetMs } from '../../src/polling/poll-schedule.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

const INTERVAL_MS = 60_000;

describe('the fleet bench poll tracker', () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await createTestRedis();
  });
  afterAll(() => t.close());

  const answered = (id: string, atMs: number): Promise<number> =>
    t.redis.zadd(t.keys.devicesAnsweredAt(t.keys.pollShardOf(id)), atMs, id);

  it('times each slot by its first answer and sets apart later answers to the same slot', async () => {
    const ids = ['cpe-1', 'cpe-2', 'cpe-3'];
    await t.redis.hset(t.keys.inventoryPart('device-records'), ...ids.flatMap((id) => [id, '{}']));
    // One cycle from 10 s ago: every device has exactly one slot in it.
    const startMs = Date.now() - 10_000;
    const slotOf = (id: string): number => {
      const offset = slotOffsetMs(id, INTERVAL_MS);
      const cycleStart = startMs - (startMs % INTERVAL_MS);
      const slot = cycleStart + offset;
      return slot >= startMs ? slot : slot + INTERVAL_MS;
    };
    const tracker = await createPollTracker(t.redis, t.keys, { startMs, intervalMs: INTERVAL_MS, cycles: 1 });

    // cpe-1 answers its slot 0.5 s late; cpe-2 first answers 3 s late (the slot's first answer).
    await answered('cpe-1', slotOf('cpe-1') + 500);
    await answered('cpe-2', slotOf('cpe-2') + 3_000);
    await tracker.read();
    expect([...tracker.lagsSeconds()].sort((a, b) => a - b)).toEqual([0.5, 3]);
    expect(tracker.outOfSlotAnswers()).toBe(0);

    // A fresh probe answers cpe-1 again 20 s after its slot: out of the schedule, not 20 s late.
    await answered('cpe-1', slotOf('cpe-1') + 20_000);
    await tracker.read();
    expect([...tracker.lagsSeconds()].sort((a, b) => a - b)).toEqual([0.5, 3]);
    expect(tracker.outOfSlotAnswers()).toBe(1);
    // cpe-3 never answered: the cycle shows it.
    expect(tracker.polledPerCycle()).toEqual([2]);
  });
});
