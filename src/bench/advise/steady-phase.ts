import type { IdleFigures, StepFigures } from './advise-bench-result.js';
import type { AdviseRun } from './advise-run.js';
import { round } from './memory-readings.js';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Steps with nothing changed: the steady-state cost of the loop (with or without an incident open). */
export async function measureIdleSteps(run: AdviseRun): Promise<IdleFigures> {
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < run.idleSteps; i++) {
    await run.harness.catchUp();
    const step = await run.harness.timedStep();
    ms.push(step.figures.ms);
    cpu.push(step.figures.cpu_ms);
  }
  return {
    median_ms: round(median(ms), 2),
    min_ms: round(Math.min(...ms), 2),
    max_ms: round(Math.max(...ms), 2),
    cpu_ms_median: round(median(cpu), 2),
    steps: ms.length,
  };
}

/** The role's 30 s re-plan: touchAll() + step() (every device with findings or live suggestions). */
export async function measureReplanAll(run: AdviseRun): Promise<StepFigures & { touch_all_ms: number }> {
  const started = performance.now();
  await run.harness.advisor.touchAll();
  const touchAllMs = performance.now() - started;
  const replan = await run.harness.timedStep();
  return { ...replan.figures, touch_all_ms: round(touchAllMs) };
}

/** The role's 60 s full reload of the findings; nothing should have changed. */
export async function measureMirrorReload(run: AdviseRun): Promise<{ ms: number; devices_changed: number }> {
  const started = performance.now();
  const reloaded = await run.harness.mirror.reload();
  const reloadMs = performance.now() - started;
  run.harness.advisor.touch(reloaded);
  await run.harness.timedStep();
  return { ms: round(reloadMs), devices_changed: reloaded.size };
}
