export { runFleetBench } from './run-fleet-bench.js';
export { formatFleetBench } from './format-fleet-bench.js';
export type { FleetBenchOptions, FleetBenchResult } from './fleet-bench-options.js';
