import type { Latency } from '../conversation/latency.js';

export interface FleetBenchOptions {
  devices: number;
  /** Probe interval of every device, seconds. */
  intervalSeconds: number;
  /** Intervals measured after the first full cycle (the steady state). */
  cycles: number;
  /** CPEs per base station or access node. */
  fanout: number;
  /** Conversations opened per second during the measured cycles, and for how long. */
  opensRate: number;
  opensSeconds: number;
  /** Poller processes (`vigil serve --roles poller`). */
  pollers: number;
  pollShards: number;
  probesDir: string;
  firstOctet: number;
  port: number;
  /** `vigil sim --shared-socket`: one process and one socket for the whole fleet. */
  sharedSocket?: boolean;
  /** 1 (unset): one redis-server; 3 or more: a Redis Cluster of that many masters on this machine. */
  redisMasters?: number;
}

/** One process (or process tree) of the run and what it used over the measured cycles. */
export interface RoleUsage {
  role: 'simulator' | 'api' | 'poller' | 'worker' | 'redis' | 'bench';
  processes: number;
  /** CPU seconds over the measured cycles, and as cores (seconds per second of wall time). */
  cpu_s: number;
  cores: number;
  rss_mb: number;
  /** Its niceness: pollers, workers and the simulator run at deploy/systemd's Nice=10, the API at 0. */
  nice: number;
}

export interface OpensFigures {
  rate: number;
  attempted: number;
  ok: number;
  errors: Record<string, number>;
  latency_ms: Latency;
  /** The p99 of the opens sent in each second of the run, in order. */
  p99_ms_by_second: number[];
  /**
   * The API's own time for the requests it completed while the opens ran (Fastify's responseTime):
   * what is left of `latency_ms` is the client's, the machine's scheduling and the loopback's.
   */
  api_response_ms?: Latency;
}

export interface FleetBenchResult {
  devices: number;
  interval_s: number;
  cycles: number;
  machine: {
    cores: number;
    load_start: number[];
    load_end: number[];
    mem_total_mb: number;
    mem_free_mb_end: number;
  };
  setup: {
    sim_start_s: number;
    sim_processes: number;
    import_s: number;
    first_cycle_s: number;
    /** Devices that had answered when the measured cycles began (all, or after 1.5 intervals). */
    first_cycle_answered: number;
  };
  /** How late each answered poll was against its slot (answer time − slot), over the measured cycles. */
  schedule_lag_s: Latency;
  /** Answers to a slot already answered (fresh probes of the opened conversations): not in the lag. */
  out_of_slot_answers: number;
  /** The oldest claim still waiting in the schedule, sampled every second: its worst. */
  overdue_max_s: number;
  polls_per_s: number;
  /** What polling every device once per interval takes. */
  polls_needed_per_s: number;
  poll_outcomes: Record<string, number>;
  /** Devices answered at least once in each measured cycle. */
  devices_polled_per_cycle: number[];
  every_device_polled: boolean;
  roles: RoleUsage[];
  /** Over every master; per master, with the commands each served a second over the measured cycles. */
  redis: {
    used_mb_after_import: number;
    used_mb_steady: number;
    rss_mb: number;
    masters: {
      port: number;
      used_mb_after_import: number;
      used_mb_steady: number;
      rss_mb: number;
      cores: number;
      commands_per_s: number;
    }[];
  };
  opens: OpensFigures;
  measured_s: number;
}
