import { cpus, getPriority } from 'node:os';
import type { RoleUsage } from './fleet-bench-options.js';
import type { FleetStack } from './fleet-stack.js';
import { processUsage, treeUsage, type ProcessUsage } from './process-usage.js';

type Reading = Omit<RoleUsage, 'cores'>;

/** CPU seconds so far and memory now of every role of the run (the simulator with its shards). */
export function readRoles(stack: FleetStack): Reading[] {
  const sum = (role: RoleUsage['role'], usages: ProcessUsage[]): Reading => ({
    role,
    processes: usages.length,
    cpu_s: usages.reduce((s, u) => s + u.cpuS, 0),
    rss_mb: usages.reduce((s, u) => s + u.rssMb, 0),
    nice: usages[0]?.nice ?? 0,
  });
  const sim = treeUsage(stack.sim.pid);
  const bench = process.cpuUsage();
  return [
    { role: 'simulator', processes: sim.processes, cpu_s: sim.cpuS, rss_mb: sim.rssMb, nice: sim.nice },
    sum('api', [processUsage(stack.api.pid)]),
    sum(
      'poller',
      stack.pollers.map((p) => processUsage(p.pid)),
    ),
    sum('worker', [processUsage(stack.worker.pid)]),
    sum(
      'redis',
      stack.redisServer.masters.map((m) => processUsage(m.pid)),
    ),
    {
      role: 'bench',
      processes: 1,
      cpu_s: (bench.user + bench.system) / 1e6,
      rss_mb: process.memoryUsage().rss / 2 ** 20,
      nice: getPriority(),
    },
  ];
}

/** Each role's CPU between two readings (and as cores over `seconds`), with its memory at the second. */
export function usageBetween(before: Reading[], after: Reading[], seconds: number): RoleUsage[] {
  return after.map((end) => {
    const start = before.find((b) => b.role === end.role);
    const cpu = end.cpu_s - (start?.cpu_s ?? 0);
    return {
      role: end.role,
      processes: end.processes,
      cpu_s: Number(cpu.toFixed(1)),
      cores: Number((cpu / Math.max(seconds, 1e-3)).toFixed(2)),
      rss_mb: Math.round(end.rss_mb),
      nice: end.nice,
    };
  });
}

export const machineCores = (): number => cpus().length;
