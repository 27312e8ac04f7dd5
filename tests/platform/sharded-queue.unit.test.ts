import { describe, expect, it } from 'vitest';
import { queueShardOf } from '../../src/platform/sharded-queue.js';

describe('queueShardOf: which queue shard a job goes to', () => {
  it('is stable: the same routing key always lands on the same shard (a jobId still deduplicates)', () => {
    for (const key of ['cpe-000001', 'action:outage_notice:x', 'pump-hook-1', '']) {
      const shard = queueShardOf(key, 8);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(8);
      expect(queueShardOf(key, 8)).toBe(shard);
    }
  });

  it('puts everything on the one shard when there is one', () => {
    expect(new Set(['a', 'b', 'cpe-1', 'x:y'].map((key) => queueShardOf(key, 1)))).toEqual(new Set([0]));
  });

  it('spreads a fleet’s device ids evenly over the shards (within 10% of an even share)', () => {
    const counts = new Array<number>(4).fill(0);
    for (let i = 0; i < 40_000; i++) counts[queueShardOf(`cpe-${String(i).padStart(6, '0')}`, 4)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(1_000);
  });
});
