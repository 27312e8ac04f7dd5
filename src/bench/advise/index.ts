/** `vigil bench advise`: its options, its result, the run and the readable summary. */
export type { AdviseBenchOptions } from './advise-bench-options.js';
export type { AdviseBenchResult, IdleFigures, StepFigures } from './advise-bench-result.js';
export { formatAdviseBench } from './format-advise-bench.js';
export { runAdviseBench } from './run-advise-bench.js';
