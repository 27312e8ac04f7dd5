import { setTimeout as sleep } from 'node:timers/promises';
import { indexFleet, type FleetIndex } from './eval-fleet.js';
import type { EvalScenario } from './eval-scenario.js';
import { startEvalStack, type EvalStack, type EvalStackOptions } from './eval-stack.js';
import { judgeCheckpoint, type CheckpointVerdict } from './judge-checkpoint.js';
import { judgeRun } from './judge-run.js';
import { explainMisses } from './explain-misses.js';
import type { PlayedStep } from './observation.js';
import { observe } from './observe-vigil.js';
import { timelineActions } from './play-timeline.js';
import type { ScenarioResult } from './score-eval.js';
import { watchVigil, type SeenLog } from './watch-vigil.js';

export type ScenarioRunOptions = Omit<EvalStackOptions, 'fleet'>;

/**
 * One scenario against its own `vigil sim` and `vigil serve`: the timeline played on a warm fleet,
 * the picture read through the public API at each checkpoint and judged, incidents and suggestions
 * watched throughout. A scenario that cannot run (a process that does not start) is a result with
 * its error, never an exception: the suite goes on.
 */
export async function runScenario(
  scenario: EvalScenario,
  options: ScenarioRunOptions,
): Promise<ScenarioResult> {
  const started = performance.now();
  const fleet = indexFleet(scenario.fleet);
  const base = { name: scenario.name, description: scenario.description };
  let stack: EvalStack | undefined;
  try {
    stack = await startEvalStack({ ...options, fleet: scenario.fleet });
    // Two more polls of every device: counters have rates and uptimes a baseline before anything happens.
    await sleep(2 * options.intervalSeconds * 1000);
    const { checkpoints, log, played, endMs } = await play(scenario, fleet, stack);
    if (log.failedReads > 3) throw new Error(`${log.failedReads} reads of incidents and suggestions failed`);
    const run = judgeRun(scenario, fleet, log, played, endMs);
    return { ...base, checkpoints, run, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    return {
      ...base,
      checkpoints: [],
      run: { falseOutages: [], suggestedInsideOutage: [], violations: [] },
      error: error instanceof Error ? error.message : String(error),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await stack?.close();
  }
}

/** The timeline's actions and the checkpoints in time order (at one time, the action first). */
async function play(
  scenario: EvalScenario,
  fleet: FleetIndex,
  stack: EvalStack,
): Promise<{ checkpoints: CheckpointVerdict[]; log: SeenLog; played: PlayedStep[]; endMs: number }> {
  const played: PlayedStep[] = [];
  const checkpoints: CheckpointVerdict[] = [];
  const watch = watchVigil(stack.api);
  const events = [
    ...timelineActions(scenario.timeline, stack, played).map((a) => ({ ...a, order: 0 })),
    ...scenario.checkpoints.map((checkpoint) => ({
      atSeconds: checkpoint.atSeconds,
      order: 1,
      run: async () => {
        const seen = await observe(stack.api, fleet.subscriberIds);
        watch.addIncidents(seen.incidents);
        const verdict = judgeCheckpoint(checkpoint, seen, fleet, played);
        const why = await explainMisses(stack.api, verdict);
        checkpoints.push(Object.keys(why).length > 0 ? { ...verdict, why } : verdict);
      },
    })),
  ].sort((a, b) => a.atSeconds - b.atSeconds || a.order - b.order);
  const startMs = Date.now();
  try {
    for (const event of events) {
      await sleep(Math.max(0, startMs + event.atSeconds * 1000 - Date.now()));
      await event.run();
    }
  } finally {
    await watch.stop();
  }
  return { checkpoints, log: watch.log, played, endMs: Date.now() };
}
