import { createInventoryStore } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { createDevicePoller } from '../../src/polling/poll-device.js';
import { createPollService, type PollService } from '../../src/polling/poll-service.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import type { Probe } from '../../src/probes/probe-types.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { UdpGetTransport } from '../../src/snmp/udp-get-transport.js';
import { loadShippedProbes } from './shipped-probes.js';
import { TEST_POLL_SHARDS, type TestRedis } from './test-redis.js';
import { v2cProfile } from './test-simulator.js';

export { TEST_POLL_SHARDS };

/**
 * The poll service exactly as a poller builds it, over a simulator's fleet imported into the test's
 * Redis prefix; the shipped probes with short timeouts, so a silent device's polls are quick, and as
 * many polls in flight as `timing.concurrency` says (a fleet of silent devices waits one timeout, not several).
 */
export async function createTestPollService(
  sim: Simulator,
  redis: TestRedis,
  timing: { timeoutMs: number; retries?: number; concurrency?: number },
): Promise<{ service: PollService; close: () => Promise<void> }> {
  const inventory = createInventoryStore({ redis: redis.redis, keys: redis.keys });
  await inventory.importInventory(sim.fleet.inventory);
  const probes = new Map<string, Probe>(
    [...(await loadShippedProbes())].map(([name, probe]) => [
      name,
      { ...probe, timeoutMs: timing.timeoutMs, retries: timing.retries ?? probe.retries },
    ]),
  );
  const transport = new UdpGetTransport();
  const service = createPollService({
    redis: redis.redis,
    keys: redis.keys,
    inventory,
    probes,
    authProfiles: new Map([['sim', v2cProfile]]),
    poller: createDevicePoller(transport),
    states: createPollerStateStore(redis.redis, redis.keys, TEST_POLL_SHARDS),
    log: createLogger({ level: 'silent' }),
    ...(timing.concurrency !== undefined ? { concurrency: timing.concurrency } : {}),
  });
  return { service, close: () => transport.close() };
}
