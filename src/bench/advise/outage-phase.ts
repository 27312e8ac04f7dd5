import type { AdviseBenchResult } from './advise-bench-result.js';
import type { AdviseRun } from './advise-run.js';
import { subtreeStep } from './subtree-step.js';

/** (3) the outage: the root and every CPE under it stop answering; one step opens the incident. */
export async function measureOutage(run: AdviseRun): Promise<AdviseBenchResult['outage']> {
  const { step, findings_write_ms, catch_up_ms } = await subtreeStep(run, true);
  return {
    ...step.figures,
    findings_write_ms,
    catch_up_ms,
    incidents_opened: step.tally.counts['incident.opened'] ?? 0,
    outage_notices: step.tally.createdByKind['outage_notice'] ?? 0,
    affected_devices: step.tally.affectedDevices,
    affected_subscribers: step.tally.affectedSubscribers,
  };
}
