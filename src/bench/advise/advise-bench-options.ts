export interface AdviseBenchOptions {
  redisUrl: string;
  playbooksDir: string;
  /** Shards of the pollers' state hashes (VIGIL_POLL_SHARDS). */
  pollShards: number;
  devices: number;
  /** CPEs under each parent: the subtree one base station's outage takes down. */
  outageChildren: number;
  /** Share of CPEs with one single-device finding (stale_uptime or error_rate). */
  faultyShare: number;
  /** Idle steps timed after the outage (the median is reported). */
  idleSteps?: number;
}
