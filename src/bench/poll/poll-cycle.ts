import type { PollService } from '../../polling/poll-service.js';
import { timedCycle } from './cycle-stats.js';
import type { CycleStats } from './poll-bench-types.js';

/** One cycle of the poll path exactly as a poller runs it, in batches of 5,000 devices. */
export function pollCycle(poll: CycleStats, service: PollService, ids: readonly string[]): Promise<void> {
  return timedCycle(poll, async () => {
    for (let i = 0; i < ids.length; i += 5_000) {
      for (const report of await service.pollDevices(ids.slice(i, i + 5_000))) {
        if (report.result.outcome === 'ok' || report.result.outcome === 'partial') poll.ok += 1;
        else if (report.result.outcome === 'timeout') poll.timeouts += 1;
        else poll.errors += 1;
      }
    }
  });
}
