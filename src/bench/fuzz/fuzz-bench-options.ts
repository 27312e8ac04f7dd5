export interface FuzzBenchOptions {
  redisUrl: string;
  probesDir: string;
  /** Mutated datagrams sent at the running service's trap port. */
  datagrams: number;
  /** Hostile answers the service's pollers must meet (counted at the hostile agents). */
  answers: number;
  /** Hostile devices in the inventory, spread over the behaviours. */
  devices: number;
  seed: number;
  firstOctet: number;
  /** Seconds between polls of the hostile devices: 5, or the fast-test floor (VIGIL_PROBE_MIN_INTERVAL_SECONDS). */
  pollIntervalSeconds?: number;
  /** Datagrams a second at the trap port. */
  rate: number;
}
