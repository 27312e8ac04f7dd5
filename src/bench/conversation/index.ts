/** `vigil bench conversations`: its options, its result, the run and the readable summary. */
export { BENCH_PHASES, type BenchPhase } from '../bench-phases.js';
export type { ConversationBenchOptions } from './conversation-bench-options.js';
export type {
  ConversationBenchResult,
  FaultPathFigures,
  OpenFigures,
  OutageFigures,
} from './conversation-bench-result.js';
export { formatConversationBench } from './format-conversation-bench.js';
export { latency, type Latency } from './latency.js';
export { runConversationBench } from './run-conversation-bench.js';
