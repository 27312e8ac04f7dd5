/** `vigil bench fuzz`: its options, its result, the run and the readable summary. */
export type { FuzzBenchOptions } from './fuzz-bench-options.js';
export type { FuzzBenchResult } from './fuzz-bench-result.js';
export { formatFuzzBench } from './format-fuzz-bench.js';
export { runFuzzBench } from './run-fuzz-bench.js';
