import type { FleetBenchResult } from './fleet-bench-options.js';

/** The run's figures as a few lines of text (the JSON holds everything). */
export function formatFleetBench(r: FleetBenchResult): string {
  const lag = r.schedule_lag_s;
  const open = r.opens.latency_ms;
  const lines = [
    `fleet: ${r.devices} devices, interval ${r.interval_s} s, ${r.cycles} cycles measured (${r.measured_s} s); ` +
      `${r.machine.cores} cores, load ${r.machine.load_start.join(' ')} → ${r.machine.load_end.join(' ')}`,
    `setup: simulator ${r.setup.sim_start_s} s (${r.setup.sim_processes} processes), import ${r.setup.import_s} s, ` +
      `first cycle ${r.setup.first_cycle_s} s (${r.setup.first_cycle_answered} of ${r.devices} answered)`,
    `schedule lag: p50 ${lag.p50} s, p99 ${lag.p99} s, max ${lag.max} s over ${lag.n} answered polls ` +
      `(${r.out_of_slot_answers} answers out of the schedule apart); oldest due device waited ${r.overdue_max_s} s at worst`,
    `polls: ${r.polls_per_s}/s (${r.polls_needed_per_s}/s needed); devices polled per cycle ` +
      `${r.devices_polled_per_cycle.join(', ')} of ${r.devices}${r.every_device_polled ? ' (all)' : ' (NOT all)'}`,
    `outcomes: ${Object.entries(r.poll_outcomes)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `redis: ${r.redis.used_mb_after_import} MB after import, ${r.redis.used_mb_steady} MB steady (RSS ${r.redis.rss_mb} MB)`,
    ...(r.redis.masters.length > 1
      ? r.redis.masters.map(
          (m) =>
            `  master :${m.port}: ${m.used_mb_after_import} MB after import, ${m.used_mb_steady} MB steady, ` +
            `${m.cores} cores, ${m.commands_per_s} commands/s`,
        )
      : []),
    `open → snapshot at ${r.opens.rate}/s: ${r.opens.ok}/${r.opens.attempted} ok, p50 ${open.p50} ms, p99 ${open.p99} ms, max ${open.max} ms` +
      (Object.keys(r.opens.errors).length > 0 ? `; errors ${JSON.stringify(r.opens.errors)}` : '') +
      (r.opens.api_response_ms
        ? `; in the API (its responseTime, ${r.opens.api_response_ms.n} answers) p50 ${r.opens.api_response_ms.p50} ms, p99 ${r.opens.api_response_ms.p99} ms, max ${r.opens.api_response_ms.max} ms`
        : '') +
      `; p99 by second ${r.opens.p99_ms_by_second.join(' ')} ms`,
    'role        processes  CPU s   cores  RSS MB  nice',
    ...r.roles.map(
      (u) =>
        `${u.role.padEnd(12)}${String(u.processes).padStart(9)}${String(u.cpu_s).padStart(7)}` +
        `${String(u.cores).padStart(8)}${String(u.rss_mb).padStart(8)}${String(u.nice).padStart(6)}`,
    ),
  ];
  return lines.join('\n');
}
