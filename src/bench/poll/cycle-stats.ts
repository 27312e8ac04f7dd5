import type { CycleStats } from './poll-bench-types.js';

export const emptyStats = (): CycleStats => ({
  ok: 0,
  errors: 0,
  timeouts: 0,
  cycle_walls_s: [],
  cycle_cpus_s: [],
});

/** Runs one cycle and adds its wall and CPU seconds (this process's) to `stats`. */
export async function timedCycle(stats: CycleStats, run: () => Promise<void>): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  stats.cycle_walls_s.push(Number(((performance.now() - started) / 1000).toFixed(3)));
  stats.cycle_cpus_s.push(Number(((used.user + used.system) / 1e6).toFixed(3)));
}
