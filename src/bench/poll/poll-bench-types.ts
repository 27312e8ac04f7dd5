export interface PollBenchOptions {
  devices: number;
  concurrency: number;
  cycles: number;
  timeoutMs: number;
  retries: number;
  targetsFile?: string;
  community?: string;
  oids?: string[];
  firstOctet: number;
  port: number;
  redisUrl: string;
  probesDir: string;
  /**
   * First a whole run of both sides, discarded, on devices of its own (the simulator one address
   * block over; the same targets under another Redis prefix, with new sessions): the measured first
   * cycle is then the devices' first, not also the process's (V8 compiling both sides' code).
   */
  warmUp?: boolean;
  /** The poll path's GETs through dgram instead of the batch socket (src/snmp/batch-socket.ts). */
  dgram?: boolean;
}

export interface CycleStats {
  ok: number;
  errors: number;
  timeouts: number;
  cycle_walls_s: number[];
  cycle_cpus_s: number[];
}

export interface PollBenchResult extends CycleStats {
  devices: number;
  /** Whether a discarded run came first (`warmUp`): cold is then the devices' first cycle only. */
  process_warmed_up: boolean;
  concurrency: number;
  varbinds_per_device: number;
  /** How the poll path's GETs went out: `batch` (sendmmsg/recvmmsg) or `dgram`. */
  poll_socket: 'batch' | 'dgram';
  baseline: CycleStats & { sessions: number };
  /** What each side does in a cycle, so the ratio can be read for what it compares. */
  fairness: { poll_path: string; baseline: string; both: string };
  /** Devices per second, warm cycles (all but the first), poll path ÷ bare loop. */
  ratio_warm: number;
  /** Devices per second, the first cycle (the poll path's discovery, the loop's sessions created). */
  ratio_cold: number;
  poll_rate_warm: number;
  baseline_rate_warm: number;
  poll_rate_cold: number;
  baseline_rate_cold: number;
  poll_cpu_us_per_device: number;
  baseline_cpu_us_per_device: number;
  poll_cpu_us_per_device_cold: number;
  baseline_cpu_us_per_device_cold: number;
  /** Redis used_memory growth: the inventory plus every device's poller state and indexes. */
  redis_used_mb: number;
  /** MEMORY USAGE of the run's own keys (inventory, poller state, indexes): exact on a shared Redis. */
  redis_keys_mb: number;
}
