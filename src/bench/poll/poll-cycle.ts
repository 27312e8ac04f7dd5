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

/** One cycle of the poll path as a poller runs it: batches of devices, a few at once. */
export function pollCycle(poll: CycleStats, service: PollService, ids: readonly string[]): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += POLL_BATCH) batches.push(ids.slice(i, i + POLL_BATCH));
  return timedCycle(poll, () =>
    runPool(batches, POLL_BATCHES_AT_ONCE, async (batch) => {
      for (const report of await service.pollDevices(batch)) {
        if (report.result.outcome === 'ok' || report.result.outcome === 'partial') poll.ok += 1;
        else if (report.result.outcome === 'timeout') poll.timeouts += 1;
        else poll.errors += 1;
      }
    }),
  );
}
