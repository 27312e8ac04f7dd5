/** `vigil bench poll`: its options, its result and the run. */
export type { CycleStats, PollBenchOptions, PollBenchResult } from './poll-bench-types.js';
export { runPollBench } from './run-poll-bench.js';
