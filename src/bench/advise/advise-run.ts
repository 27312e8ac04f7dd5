import type { Redis } from 'ioredis';
import type { Finding } from '../../detection/index.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import type { PollerStateStore } from '../../polling/poller-state-store.js';
import type { AdvisorHarness } from './advisor-harness.js';
import type { BenchFleet } from './bench-fleet.js';

/** What every phase of `vigil bench advise` works on: the fleet in Redis, its findings, the advisor. */
export interface AdviseRun {
  redis: Redis;
  keys: RedisKeys;
  states: PollerStateStore;
  fleet: BenchFleet;
  /** Each faulty CPE's own finding, kept through the outage and the recovery. */
  faultyFindings: ReadonlyMap<string, Finding>;
  harness: AdvisorHarness;
  /** The bench's clock, ms: a step advances it by a second. */
  now(): number;
  tick(ms?: number): number;
  idleSteps: number;
}
