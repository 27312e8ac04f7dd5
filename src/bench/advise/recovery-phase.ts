import type { AdviseBenchResult } from './advise-bench-result.js';
import type { AdviseRun } from './advise-run.js';
import { subtreeStep } from './subtree-step.js';

/** (4) recovery: everything answers again; the outage resolves, its notices are withdrawn. */
export async function measureRecovery(run: AdviseRun): Promise<AdviseBenchResult['recovery']> {
  const { step, findings_write_ms, catch_up_ms } = await subtreeStep(run, false);
  return {
    ...step.figures,
    findings_write_ms,
    catch_up_ms,
    incidents_resolved: step.tally.counts['incident.resolved'] ?? 0,
    notices_withdrawn: step.tally.withdrawnByKind['outage_notice'] ?? 0,
  };
}
