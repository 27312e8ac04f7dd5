import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { alertRetryDelayMs } from '../alerts/alert-backoff.js';
import { createAlertConsumer } from '../alerts/alert-consumer.js';
import { DEFAULT_ALERTS_OPTIONS, type AlertsOptions } from '../alerts/alerts-options.js';
import { createDeliveryPump, type DeliveryPump } from '../alerts/delivery-pump.js';
import { DeliveryRetry } from '../alerts/delivery-retry.js';
import { createWebhookStore } from '../alerts/webhook-store.js';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../platform/logger.js';
import { ALERTS_QUEUE } from '../platform/queue-names.js';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { withWorkerErrors } from '../platform/worker-errors.js';
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

/** The pumps' worker; a failed attempt waits as alert-backoff.ts says, Retry-After included. */
function startPumpWorker(
  connection: Redis,
  keys: RedisKeys,
  pump: DeliveryPump,
  options: AlertsOptions,
): Worker {
  const processPump = withWorkerErrors((job: Job<{ subscriptionId: string }>) =>
    pump(job.data.subscriptionId, { made: job.attemptsMade, allowed: job.opts.attempts ?? 1 }),
  );
  return new Worker(ALERTS_QUEUE, processPump, {
    connection,
    prefix: keys.bullPrefix(),
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
 * Outage alerts to webhook subscribers, wired from the stages in src/alerts/: the consumer routes
 * incident events from the outward stream onto per-subscription queues in Redis (alert-consumer.ts,
 * route-alerts.ts); one pump job per subscription on BullMQ delivers each queue in order
 * (delivery-pump.ts): at least once, signed, retried with bounded backoff (alert-backoff.ts, Retry-After
 * honoured), and dead-lettered after the last attempt or a refusal so the ones behind it go on.
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
  const pump = createDeliveryPump({
    redis,
    keys,
    store,
    log,
    allowedHosts: config.actions.webhookAllowedHosts,
    timeoutMs: options.timeoutMs,
  });
  let connection: Redis | undefined;
  let queue: Queue | undefined;
  let worker: Worker | undefined;
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
      queue = new Queue(ALERTS_QUEUE, { connection, prefix: keys.bullPrefix() });
      worker = startPumpWorker(connection, keys, pump, options);
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
      await worker?.close();
      await queue?.close();
      connection?.disconnect();
    },
  };
}
