/** `vigil eval`: the labelled accuracy suite (scenarios/eval/*.yaml) run against the real simulator and service. */
export { loadEvalScenarios, type ScenarioSelection } from './load-eval-scenarios.js';
export { parseEvalScenario } from './parse-eval-scenario.js';
export type { EvalScenario } from './eval-scenario.js';
export { runEval, type EvalOptions, type EvalReport } from './run-eval.js';
export { formatEval } from './format-eval.js';
export { scoreEval, type EvalScore, type ScenarioResult } from './score-eval.js';
