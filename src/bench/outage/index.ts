/** `vigil bench outage`: its options, its result, the run and the readable summary. */
export type { OutageBenchOptions } from './outage-bench-options.js';
export type { CutFigures, LossFigures, OutageBenchResult } from './outage-bench-result.js';
export { formatOutageBench } from './format-outage-bench.js';
export { runOutageBench } from './run-outage-bench.js';
