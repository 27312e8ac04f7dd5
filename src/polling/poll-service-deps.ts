import type { Redis } from 'ioredis';
import type { InventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { Probe } from '../probes/probe-types.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import type { InFlightLimit } from './in-flight-limit.js';
import type { DevicePoller } from './poll-device.js';
import type { PollerStateStore } from './poller-state-store.js';

/** What the poll service and its batches work with (its own file: poll-batch.ts needs it too). */
export interface PollServiceDeps {
  redis: Redis;
  keys: RedisKeys;
  inventory: InventoryStore;
  probes: ReadonlyMap<string, Probe>;
  authProfiles: ReadonlyMap<string, AuthProfile>;
  poller: DevicePoller;
  states: PollerStateStore;
  log: Logger;
  clock?: () => number;
  /** Polls in flight at once within one call. */
  concurrency?: number;
  /** Polls in flight at once across calls that overlap, if capped. */
  inFlight?: InFlightLimit;
}
