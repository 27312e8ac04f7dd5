import type { CycleStats, PollBenchResult } from './poll-bench-types.js';

/** The mean of the warm cycles (all but the first, unless there is only one). */
const warm = (values: number[]): number => {
  const rest = values.length > 1 ? values.slice(1) : values;
  return rest.reduce((a, b) => a + b, 0) / rest.length;
};

/** Both sides' cycles as rates and CPU per device, and their ratio. */
export function pollReport(
  poll: CycleStats,
  baseline: CycleStats,
  run: { devices: number; concurrency: number; varbindsPerDevice: number; redisUsedMb: number },
): PollBenchResult {
  const pollRate = run.devices / warm(poll.cycle_walls_s);
  const baselineRate = run.devices / warm(baseline.cycle_walls_s);
  return {
    ...poll,
    devices: run.devices,
    concurrency: run.concurrency,
    varbinds_per_device: run.varbindsPerDevice,
    baseline,
    ratio_warm: Number((pollRate / baselineRate).toFixed(2)),
    poll_rate_warm: Math.round(pollRate),
    baseline_rate_warm: Math.round(baselineRate),
    poll_cpu_us_per_device: Math.round((warm(poll.cycle_cpus_s) * 1e6) / run.devices),
    baseline_cpu_us_per_device: Math.round((warm(baseline.cycle_cpus_s) * 1e6) / run.devices),
    redis_used_mb: run.redisUsedMb,
  };
}
