import type { Device } from '../../inventory/index.js';
import type { BareNetSnmpSessions } from '../../snmp/bare-net-snmp-sessions.js';
import SYSTEM_GROUP_OIDS from '../bench-oids.js';
import { runPool } from '../run-pool.js';
import { timedCycle } from './cycle-stats.js';
import type { CycleStats } from './poll-bench-types.js';

/**
 * One cycle of the bare net-snmp loop: each device asked the same OIDs in the same chunks as the poll
 * path asks it (`requestsOf`; the system group before the first poll is known), through its own
 * session, which the first cycle creates and the next ones reuse.
 */
export function baselineCycle(
  baseline: CycleStats,
  devices: readonly Device[],
  requestsOf: ReadonlyMap<string, string[][]>,
  sessions: BareNetSnmpSessions,
  concurrency: number,
): Promise<void> {
  return timedCycle(baseline, () =>
    runPool(devices, concurrency, async (device) => {
      for (const oids of requestsOf.get(device.id) ?? [SYSTEM_GROUP_OIDS]) {
        const outcome = await sessions.get(device.host, device.port, oids);
        if (outcome === 'ok') baseline.ok += 1;
        else if (outcome === 'timeout') baseline.timeouts += 1;
        else baseline.errors += 1;
      }
    }),
  );
}
