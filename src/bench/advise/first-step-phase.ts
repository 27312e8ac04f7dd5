import type { AdviseBenchResult } from './advise-bench-result.js';
import type { AdviseRun } from './advise-run.js';

/** (2) the first step: every faulty CPE planned, its suggestion written and announced. */
export async function measureFirstStep(run: AdviseRun): Promise<AdviseBenchResult['first_step']> {
  const first = await run.harness.timedStep();
  return {
    ...first.figures,
    us_per_device: first.report.devicesPlanned
      ? Math.round((first.figures.ms * 1000) / first.report.devicesPlanned)
      : 0,
    suggestions_written: first.tally.counts['suggestion.created'] ?? 0,
  };
}
