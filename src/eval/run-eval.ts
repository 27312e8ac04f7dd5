import { runPool } from '../bench/run-pool.js';
import type { EvalSettings } from './format-eval.js';
import type { EvalScenario } from './eval-scenario.js';
import { runScenario, type ScenarioRunOptions } from './run-scenario.js';
import { scoreEval, type EvalScore, type ScenarioResult } from './score-eval.js';

export interface EvalOptions extends Omit<ScenarioRunOptions, 'firstOctet'> {
  /** Scenarios run at once, each with its own processes, Redis prefix and address block. */
  concurrency: number;
  /** The first run's address block; concurrent runs take the next ones. */
  firstOctet: number;
}

export interface EvalReport extends EvalScore {
  /** Every scenario's verdicts in full, for `--json`. */
  results: ScenarioResult[];
  settings: EvalSettings;
}

function pendingResult(scenario: EvalScenario): ScenarioResult {
  return {
    name: scenario.name,
    description: scenario.description,
    checkpoints: [],
    run: { falseOutages: [], suggestedInsideOutage: [], violations: [] },
    pending: scenario.pending,
    seconds: 0,
  };
}

/** Runs the scenarios (a few at once), says each one's outcome as it ends, and scores the suite. */
export async function runEval(
  scenarios: readonly EvalScenario[],
  options: EvalOptions,
  say: (line: string) => void,
): Promise<EvalReport> {
  const results = new Map<string, ScenarioResult>();
  const freeSlots = Array.from({ length: options.concurrency }, (_, i) => i);
  for (const scenario of scenarios.filter((s) => s.pending !== undefined)) {
    say(`${scenario.name}: pending (${scenario.pending})`);
    results.set(scenario.name, pendingResult(scenario));
  }
  const runnable = scenarios.filter((s) => s.pending === undefined);
  await runPool(runnable, options.concurrency, async (scenario) => {
    const slot = freeSlots.shift() ?? 0;
    say(`${scenario.name}: running (${scenario.fleet.devices} devices)`);
    const result = await runScenario(scenario, { ...options, firstOctet: options.firstOctet + slot });
    freeSlots.push(slot);
    results.set(scenario.name, result);
    const problems = result.error
      ? 1
      : result.checkpoints.reduce((n, c) => n + c.violations.length, 0) + result.run.violations.length;
    say(
      `${scenario.name}: ${problems === 0 ? 'as expected' : `${problems} expectation(s) not met`} in ${result.seconds.toFixed(0)} s`,
    );
  });
  const ordered = scenarios.map((s) => results.get(s.name) as ScenarioResult);
  return {
    ...scoreEval(ordered),
    results: ordered,
    settings: {
      intervalSeconds: options.intervalSeconds,
      rebootSeconds: options.rebootSeconds,
      concurrency: options.concurrency,
    },
  };
}
