import type { PollService } from '../../polling/poll-service.js';
import { runPool } from '../run-pool.js';
import { timedCycle } from './cycle-stats.js';
import type { CycleStats } from './poll-bench-types.js';

/** Devices a batch holds: what a shard tick claims at this bench's scale (10k devices over 64 shards is ~160). */
export const POLL_BATCH = 500;
/**
 * Batches at once, as a poller's shard ticks overlap: one batch's Redis reads and writes while others'
 * requests are out. The service shares one InFlightLimit of the bench's concurrency across them, so
 * never more devices are in flight than the bare loop has.
 */
export const POLL_BATCHES_AT_ONCE = 4;

/**
 * A poller's batches: a shard tick claims the due devices of one poll shard, so a batch never mixes
 * shards and its state writes are one script per chunk (each shard is a slot of its own). Batches cut
 * from the inventory's order instead would mix all 64 shards, a script per device or two.
 */
export function shardBatches(ids: readonly string[], shardOf: (id: string) => number): string[][] {
  const byShard = new Map<number, string[]>();
  for (const id of ids) {
    const shard = shardOf(id);
    const list = byShard.get(shard);
    if (list) list.push(id);
    else byShard.set(shard, [id]);
  }
  const batches: string[][] = [];
  for (const shard of [...byShard.keys()].sort((a, b) => a - b)) {
    const list = byShard.get(shard) ?? [];
    for (let i = 0; i < list.length; i += POLL_BATCH) batches.push(list.slice(i, i + POLL_BATCH));
  }
  return batches;
}

/**
 * The devices in the order the poll path's batches ask them, for the bare loop to ask them in. Where
 * one snmpd process answers for hundreds of addresses (--targets), the inventory's order keeps a few
 * agents busy at a time and the shards' order spreads the requests over all of them: on this machine
 * that alone took the loop from ~9,600 to ~17,000 devices/s (2026-12-03), a property of the test rig,
 * not of either side, so both sides get the same order.
 */
export function inBatchOrder<D extends { id: string }>(
  devices: readonly D[],
  batches: readonly string[][],
): D[] {
  const byId = new Map(devices.map((d) => [d.id, d]));
  return batches.flat().flatMap((id) => byId.get(id) ?? []);
}

/**
 * One cycle of the poll path as a poller runs it: batches of one shard's devices, a few at once. Every
 * device asked must come back with a report: a cycle that lost some would be timed for less work than
 * the loop's, and its ratio would flatter the poll path.
 */
export async function pollCycle(
  poll: CycleStats,
  service: PollService,
  batches: readonly string[][],
): Promise<void> {
  let reported = 0;
  await timedCycle(poll, () =>
    runPool(batches, POLL_BATCHES_AT_ONCE, async (batch) => {
      for (const report of await service.pollDevices(batch)) {
        reported += 1;
        if (report.result.outcome === 'ok' || report.result.outcome === 'partial') poll.ok += 1;
        else if (report.result.outcome === 'timeout') poll.timeouts += 1;
        else poll.errors += 1;
      }
    }),
  );
  const asked = batches.reduce((n, batch) => n + batch.length, 0);
  if (reported !== asked)
    throw new Error(
      `the poll path reported ${reported} of the ${asked} devices of a cycle: no figure to compare`,
    );
}
