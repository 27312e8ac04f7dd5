import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { alertRetryDelayMs } from '../alerts/alert-backoff.js';
import { createAlertConsumer } from '../alerts/alert-consumer.js';
import { createAlertmanagerRepost } from '../alerts/alertmanager-repost.js';
import {
  alertmanagerValidityMs,
  DEFAULT_ALERTS_OPTIONS,
  type AlertsOptions,
} from '../alerts/alerts-options.js';
import { createDeliveryPump, type DeliveryPump } from '../alerts/delivery-pump.js';
import { DeliveryRetry } from '../alerts/delivery-retry.js';
import { createWebhookStore } from '../alerts/webhook-store.js';
import type { Config } from '../config/load-config.js';
import { createIncidentStore } from '../diagnosis/incident-store.js';
import { createInventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import { ALERTS_QUEUE } from '../platform/queue-names.js';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { withWorkerErrors } from '../platform/worker-errors.js';
import { ShardedQueue, startShardedWorkers } from '../platform/sharded-queue.js';
import type { ProcessRole } from './process-role.js';

/** One pump job per subscription (its id says which), retried with the alerts' backoff, then removed. */
const pumpJob = (subscriptionId: string, attempts: number) =>
  ({
    jobId: `pump-${subscriptionId}`,
    attempts,
    backoff: { type: 'alert' },
    removeOnComplete: true,
    removeOnFail: true,
  }) as const;

/** The job scheduler that re-posts open incidents to Alertmanager targets (one per queue, whichever worker runs it). */
const REPOST_SCHEDULER = 'alertmanager-repost';

/** The pumps' worker (and the re-posts'); a failed attempt waits as alert-backoff.ts says, Retry-After included. */
function startPumpWorkers(
  connection: Redis,
  keys: RedisKeys,
  jobs: { pump: DeliveryPump; repost: () => Promise<number> },
  options: AlertsOptions & { shards: number },
): Worker[] {
  const processPump = withWorkerErrors(async (job: Job<{ subscriptionId: string }>) =>
    job.name === 'repost'
      ? `re-posted ${await jobs.repost()}`
      : jobs.pump(job.data.subscriptionId, { made: job.attemptsMade, allowed: job.opts.attempts ?? 1 }),
  );
  return startShardedWorkers(ALERTS_QUEUE, processPump, keys, options.shards, {
    connection,
    concurrency: 20,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
        alertRetryDelayMs(
          attemptsMade,
          options,
          error instanceof DeliveryRetry ? error.retryAfterMs : undefined,
        ),
    },
  });
}

/**
 * What the alerts queue's jobs run: a subscription's pump (webhooks signed, Alertmanager targets with
 * their sites and incidents at hand), and the re-post of open incidents to Alertmanager targets.
 */
function alertJobs(
  context: { config: Config; logger: Logger; redis: Redis; keys: RedisKeys },
  options: AlertsOptions,
  ensurePump: (subscriptionId: string) => Promise<void>,
): { pump: DeliveryPump; repost: () => Promise<number> } {
  const { redis, keys } = context;
  const store = createWebhookStore(redis, keys);
  const incidents = createIncidentStore(redis, keys);
  const inventory = createInventoryStore({ redis, keys });
  const pump = createDeliveryPump({
    redis,
    keys,
    store,
    log: context.logger.child({ module: 'alerts' }),
    allowedHosts: context.config.actions.webhookAllowedHosts,
    timeoutMs: options.timeoutMs,
    alertmanager: {
      validityMs: alertmanagerValidityMs(options),
      siteOf: async (deviceId) => (await inventory.getDevice(deviceId))?.site,
      isOpen: async (incidentId) => (await incidents.get(incidentId))?.state === 'open',
    },
  });
  const repost = createAlertmanagerRepost({ store, activeIncidents: () => incidents.active(), ensurePump });
  return { pump, repost };
}

/**
 * Outage alerts to webhook subscribers and Alertmanager targets, wired from the stages in src/alerts/: the consumer routes
 * incident events from the outward stream onto per-subscription queues in Redis (alert-consumer.ts,
 * route-alerts.ts); one pump job per subscription on BullMQ delivers each queue in order
 * (delivery-pump.ts): at least once, signed, retried with bounded backoff (alert-backoff.ts, Retry-After
 * honoured), and dead-lettered after the last attempt or a refusal so the ones behind it go on. A job
 * scheduler re-posts open incidents to Alertmanager targets before their alerts lapse.
 * Detection and advice never wait for any of it.
 */
export function createAlertsRole(
  context: { config: Config; logger: Logger; redis: Redis; keys: RedisKeys },
  overrides: Partial<AlertsOptions> = {},
): ProcessRole {
  const options = { ...DEFAULT_ALERTS_OPTIONS, ...overrides };
  const { redis, keys, config } = context;
  const log = context.logger.child({ module: 'alerts' });
  const store = createWebhookStore(redis, keys);
  let connection: Redis | undefined;
  let queue: ShardedQueue | undefined;
  let workers: Worker[] = [];
  let consumer: ReturnType<typeof createAlertConsumer> | undefined;

  const ensurePump = async (subscriptionId: string): Promise<void> => {
    await queue?.add('pump', { subscriptionId }, pumpJob(subscriptionId, options.attempts));
  };

  return {
    name: 'worker-alerts',
    stage: 'workers',
    async start() {
      const reader = createRedisConnection(config.redisUrl, 'worker', 'vigil-alerts-reader');
      connection = createRedisConnection(config.redisUrl, 'worker', 'vigil-alerts');
      // A subscription's pump job goes by its id to one shard, so its alerts stay in order.
      const shards = config.queueShards ?? 1;
      queue = new ShardedQueue(ALERTS_QUEUE, connection, keys, shards);
      workers = startPumpWorkers(connection, keys, alertJobs(context, options, ensurePump), {
        ...options,
        shards,
      });
      // Idempotent across workers: the first shard holds one scheduler by this id, whoever upserts it.
      await queue.schedulerShard.upsertJobScheduler(
        REPOST_SCHEDULER,
        { every: options.alertmanagerRepostMs },
        { name: 'repost', data: {}, opts: { removeOnComplete: true, removeOnFail: true } },
      );
      for (const worker of workers)
        worker.on('error', (error) => log.warn({ err: error }, 'alerts worker error'));
      consumer = createAlertConsumer({
        redis,
        reader,
        keys,
        store,
        log,
        sweepEveryMs: options.sweepEveryMs,
        ensurePump,
      });
      // On the worker connection, which waits for Redis: at start the command connection may not be
      // ready yet, and it fails fast rather than queue.
      await consumer.start(connection);
    },
    async close() {
      await consumer?.stop();
      await Promise.all(workers.map((worker) => worker.close()));
      await queue?.close();
      connection?.disconnect();
    },
  };
}
