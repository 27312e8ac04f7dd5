/** What `vigil bench outage` is asked to do (src/cli/bench/outage-bench-command.ts). */
export interface OutageBenchOptions {
  redisUrl: string;
  probesDir: string;
  pollShards: number;
  pollSyncEveryMs?: number;
  firstOctet: number;
  port: number;
  /** CPEs (one subscriber each) under the one base station. */
  cpes: number;
  /** Power cuts measured per path (polling alone, with traps). */
  runs: number;
  /**
   * Every probe at this interval (1 s timeout, 1 retry) instead of the shipped probes' own timing
   * (base station 30 s, 3 attempts 2 s apart; CPEs 60 s): the short run for CI.
   */
  quickIntervalSeconds?: number;
  /** VIGIL_OUTAGE_SETTLE_SECONDS of the service: production's 90 s unless told. */
  settleSeconds: number;
  /**
   * Share of requests every device drops in the packet-loss run, for how many poll intervals, over a
   * fleet of its own with this many parents (base stations and access nodes), each with `cpes` CPEs.
   */
  lossPercent: number;
  lossIntervals: number;
  lossParents: number;
}

/** The longest probe interval of the run: how long a device may wait for its next poll. */
export function longestIntervalSeconds(options: OutageBenchOptions): number {
  return options.quickIntervalSeconds ?? 60;
}

/** The base station's interval: how long its first failed poll may take to come after the cut. */
export function parentIntervalSeconds(options: OutageBenchOptions): number {
  return options.quickIntervalSeconds ?? 30;
}
