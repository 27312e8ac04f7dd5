import type { Finding } from '../../detection/index.js';
import { downFinding } from './bench-findings.js';
import type { AdviseRun } from './advise-run.js';
import type { TimedStep } from './advisor-harness.js';
import { round } from './memory-readings.js';
import { writeFindings } from './write-findings.js';

/**
 * The outage's root and every CPE under it stop answering (`down`) or answer again, as pollers would
 * write it; the advisor catches up and steps. The faulty CPEs among them keep their own finding.
 */
export async function subtreeStep(
  run: AdviseRun,
  down: boolean,
): Promise<{ step: TimedStep; findings_write_ms: number; catch_up_ms: number }> {
  const { fleet, faultyFindings } = run;
  run.tick();
  const now = run.now();
  const started = performance.now();
  await writeFindings(
    run.redis,
    run.keys,
    run.states,
    [fleet.root, ...fleet.rootCpes].map((deviceId) => {
      const own: Finding[] = faultyFindings.has(deviceId) ? [faultyFindings.get(deviceId) as Finding] : [];
      const isBaseStation = deviceId === fleet.root && fleet.rootIsBaseStation;
      return {
        deviceId,
        findings: down ? [...own, downFinding(deviceId, isBaseStation, now)] : own,
        reachable: !down,
      };
    }),
    now,
  );
  const writeMs = performance.now() - started;
  const catchUpMs = await run.harness.catchUp();
  const step = await run.harness.timedStep();
  return { step, findings_write_ms: round(writeMs), catch_up_ms: round(catchUpMs) };
}
