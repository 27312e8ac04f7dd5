import type { CycleStats, PollBenchResult } from './poll-bench-types.js';

/** The mean of the warm cycles (all but the first, unless there is only one). */
const warm = (values: number[]): number => {
  const rest = values.length > 1 ? values.slice(1) : values;
  return rest.reduce((a, b) => a + b, 0) / rest.length;
};
const cold = (values: number[]): number => values[0] ?? Number.NaN;
const ratio = (a: number, b: number): number => Number((a / b).toFixed(2));
const perDeviceUs = (cpuSeconds: number, devices: number): number => Math.round((cpuSeconds * 1e6) / devices);

/** Both sides' cycles as rates and CPU per device, and their ratios cold and warm. */
export function pollReport(
  poll: CycleStats,
  baseline: CycleStats & { sessions: number },
  run: {
    devices: number;
    processWarmedUp: boolean;
    concurrency: number;
    varbindsPerDevice: number;
    pollSocket: PollBenchResult['poll_socket'];
    redisUsedMb: number;
    redisKeysMb: number;
    fairness: PollBenchResult['fairness'];
  },
): PollBenchResult {
  const rate = (walls: number[], of: (v: number[]) => number): number => run.devices / of(walls);
  const pollWarm = rate(poll.cycle_walls_s, warm);
  const baselineWarm = rate(baseline.cycle_walls_s, warm);
  const pollCold = rate(poll.cycle_walls_s, cold);
  const baselineCold = rate(baseline.cycle_walls_s, cold);
  return {
    ...poll,
    devices: run.devices,
    process_warmed_up: run.processWarmedUp,
    concurrency: run.concurrency,
    varbinds_per_device: run.varbindsPerDevice,
    poll_socket: run.pollSocket,
    baseline,
    fairness: run.fairness,
    ratio_warm: ratio(pollWarm, baselineWarm),
    ratio_cold: ratio(pollCold, baselineCold),
    poll_rate_warm: Math.round(pollWarm),
    baseline_rate_warm: Math.round(baselineWarm),
    poll_rate_cold: Math.round(pollCold),
    baseline_rate_cold: Math.round(baselineCold),
    poll_cpu_us_per_device: perDeviceUs(warm(poll.cycle_cpus_s), run.devices),
    baseline_cpu_us_per_device: perDeviceUs(warm(baseline.cycle_cpus_s), run.devices),
    poll_cpu_us_per_device_cold: perDeviceUs(cold(poll.cycle_cpus_s), run.devices),
    baseline_cpu_us_per_device_cold: perDeviceUs(cold(baseline.cycle_cpus_s), run.devices),
    redis_used_mb: run.redisUsedMb,
    redis_keys_mb: run.redisKeysMb,
  };
}
