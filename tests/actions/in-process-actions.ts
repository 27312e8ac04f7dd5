import type { Queue } from 'bullmq';
import { createActionQueue } from '../../src/actions/action-queue.js';
import { createActionRunner, type ActionRunner } from '../../src/actions/action-runner.js';
import { DEFAULT_ACTIONS_CONFIG, type ActionsConfig } from '../../src/actions/actions-config.js';
import type { ProbeClient } from '../../src/actions/probe-client.js';
import { loadPlaybooksOrThrow } from '../../src/diagnosis/load-playbooks.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { startActionsWorker, type ActionsWorker } from '../../src/roles/actions-role.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { loadShippedProbes } from '../helpers/shipped-probes.js';
import { TEST_POLL_SHARDS } from '../helpers/test-poll-service.js';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';
import { v2cProfile } from '../helpers/test-simulator.js';

export interface InProcessActions {
  redis: TestRedis;
  runner: ActionRunner;
  /** The actions queue, as the API and the sweeper put jobs on it. */
  queue: Queue;
  /** The worker role's queue worker, running jobs through `runner`. */
  worker: ActionsWorker;
  close(): Promise<void>;
}

/** Verification asks the pollers for fresh polls; where no reboot is verified, none are needed. */
const NO_POLLER: ProbeClient = { probe: () => Promise.resolve(null), close: () => Promise.resolve() };

/**
 * The actions half of a worker in this process — the runner, the real actions queue and its worker,
 * over real Redis and BullMQ under a prefix of its own — with the simulator's fleet imported and its
 * write credentials, so an action that should not reboot a device could. Verification is fast: checks
 * and polls 100 ms apart.
 */
export async function startInProcessActions(
  sim: Simulator,
  actions: Partial<ActionsConfig> = {},
  prober: ProbeClient = NO_POLLER,
): Promise<InProcessActions> {
  const redis = await createTestRedis();
  await createInventoryStore({ redis: redis.redis, keys: redis.keys }).importInventory(sim.fleet.inventory);
  const logger = createLogger({ level: 'silent' });
  const runner = createActionRunner({
    config: {
      pollShards: TEST_POLL_SHARDS,
      authProfiles: new Map([['sim', v2cProfile]]),
      actions: { ...DEFAULT_ACTIONS_CONFIG, rebootVerifyMs: 30_000, ...actions },
    },
    redis: redis.redis,
    keys: redis.keys,
    logger,
    playbooks: await loadPlaybooksOrThrow('playbooks'),
    probes: await loadShippedProbes(),
    prober,
    checkEveryMs: 100,
    verifyPollEveryMs: 100,
  });
  const queueConnection = redis.redis.duplicate({ maxRetriesPerRequest: null });
  // One shard (VIGIL_QUEUE_SHARDS unset, as the worker below reads it): the BullMQ queue itself.
  const queue = createActionQueue(queueConnection, redis.keys).shards[0]!;
  const context = { config: { redisUrl: TEST_REDIS_URL }, logger, keys: redis.keys };
  const worker = startActionsWorker(context, runner, { concurrency: 10, lockDurationMs: 15_000 });
  return {
    redis,
    runner,
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.close();
      queueConnection.disconnect();
      await redis.close();
    },
  };
}
