import { describe, expect, it } from 'vitest';
import { inBatchOrder, POLL_BATCH, shardBatches } from '../../src/bench/poll/poll-cycle.js';

describe('vigil bench poll: the order both sides ask the devices in', () => {
  const devices = Array.from({ length: 1_300 }, (_, n) => ({
    id: `d${n}`,
    host: `127.0.${n >> 8}.${n & 255}`,
  }));
  const shardOf = (id: string): number => Number(id.slice(1)) % 7;

  it('gives the bare loop every device once, in the order of the poll path’s shard batches', () => {
    const batches = shardBatches(
      devices.map((d) => d.id),
      shardOf,
    );
    const ordered = inBatchOrder(devices, batches);
    expect(ordered.map((d) => d.id)).toEqual(batches.flat());
    expect(new Set(ordered.map((d) => d.id)).size).toBe(devices.length);
    // Not the inventory's order: the first batch is one shard's devices, every seventh.
    expect(ordered.slice(0, 3).map((d) => d.id)).toEqual(['d0', 'd7', 'd14']);
    expect(batches.every((batch) => batch.length <= POLL_BATCH)).toBe(true);
  });
});
