import { ALERTS_QUEUE } from '../platform/queue-names.js';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import { decodeEvent } from '../events/event-log.js';
import type { StoredEvent } from '../events/vigil-event.js';
import type { Logger } from '../platform/logger.js';
import type { ProcessRole } from './process-role.js';
import { bodyExcerpt, readCappedBody } from '../platform/read-capped-body.js';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { countInto } from '../platform/fleet-counters.js';
import { alertPayload } from '../alerts/alert-payload.js';
import { checkWebhookUrl } from '../alerts/allowed-host.js';
import { signPayload } from '../platform/sign-payload.js';
import { ALERT_EVENTS, type AlertEvent, type Delivery } from '../alerts/webhook.js';
import { createWebhookStore } from '../alerts/webhook-store.js';

const GROUP = 'alerts';

export interface AlertsOptions {
  /** Attempts per delivery before it goes to the dead letters. */
  attempts: number;
  /** First retry delay; doubles each attempt up to maxDelayMs. A Retry-After answer wins (up to 5 min). */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** How often queues with pending alerts get their pump (and stale stream entries are reclaimed). */
  sweepEveryMs: number;
}

export const DEFAULT_ALERTS_OPTIONS: AlertsOptions = {
  attempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  timeoutMs: 10_000,
  sweepEveryMs: 5_000,
};

class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const pumpJobId = (subscriptionId: string): string => `pump-${subscriptionId}`;

/**
 * Outage alerts to webhook subscribers. Incident events are read from the outward stream through a
 * consumer group (any number of workers share it; an event is queued once, acknowledged after), queued
 * per subscription in Redis, and delivered in order by one pump job per subscription on BullMQ:
 * at least once, signed, retried with bounded backoff (Retry-After honoured), and after the last attempt
 * moved to the dead letters so the ones behind it go on. Detection and advice never wait for any of it.
 */
export function createAlertsRole(
  context: { config: Config; logger: Logger; redis: Redis; keys: RedisKeys },
  overrides: Partial<AlertsOptions> = {},
): ProcessRole {
  const options = { ...DEFAULT_ALERTS_OPTIONS, ...overrides };
  const { redis, keys, config } = context;
  const log = context.logger.child({ module: 'alerts' });
  const store = createWebhookStore(redis, keys);
  const consumer = `${hostname()}-${process.pid}`;
  let reader: Redis | undefined;
  let connection: Redis | undefined;
  let queue: Queue | undefined;
  let worker: Worker | undefined;
  let running = false;
  let loop: Promise<void> | undefined;

  async function count(result: 'delivered' | 'retried' | 'dead'): Promise<void> {
    const pipeline = redis.pipeline();
    countInto(pipeline, keys, 'vigil_webhook_deliveries_total', { result });
    await pipeline.exec();
  }

  async function ensurePump(subscriptionId: string): Promise<void> {
    await queue?.add(
      'pump',
      { subscriptionId },
      {
        jobId: pumpJobId(subscriptionId),
        attempts: options.attempts,
        backoff: { type: 'alert' },
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  async function route(entries: [string, string[]][]): Promise<void> {
    const events = entries
      .map(([id, fields]) => decodeEvent(id, fields))
      .filter(
        (e): e is StoredEvent & { type: AlertEvent } =>
          !!e && (ALERT_EVENTS as readonly string[]).includes(e.type),
      );
    if (events.length > 0) {
      const subscriptions = await store.list();
      for (const { subscription } of subscriptions) {
        const deliveries: Delivery[] = events
          .filter((e) => subscription.events.includes(e.type))
          .filter(
            (e) =>
              subscription.includePlannedWorks || !(e.data as { suppressAlerts?: boolean }).suppressAlerts,
          )
          .map((e) => ({
            id: `${subscription.id}:${e.id}`,
            subscriptionId: subscription.id,
            event: e.type,
            eventId: e.id,
            payload: alertPayload(e),
            attempts: 0,
          }));
        if (deliveries.length === 0) continue;
        await store.enqueue(subscription.id, deliveries);
        await ensurePump(subscription.id);
      }
    }
    if (entries.length > 0) await redis.xack(keys.events(), GROUP, ...entries.map(([id]) => id));
  }

  async function consume(): Promise<void> {
    let lastSweep = 0;
    while (running) {
      try {
        const reply = (await (reader as Redis).xreadgroup(
          'GROUP',
          GROUP,
          consumer,
          'COUNT',
          500,
          'BLOCK',
          1_000,
          'STREAMS',
          keys.events(),
          '>',
        )) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) await route(entries);
        if (Date.now() - lastSweep >= options.sweepEveryMs) {
          lastSweep = Date.now();
          await sweep();
        }
      } catch (error) {
        if (!running) return;
        if (String(error).includes('NOGROUP')) await createGroup();
        else {
          log.warn({ err: error }, 'alert routing failed; retrying');
          await sleep(1_000);
        }
      }
    }
  }

  /** Pumps for every queue with alerts waiting (a pump that ended as one arrived), and entries a dead worker read but never routed. */
  async function sweep(): Promise<void> {
    for (const { subscription } of await store.list()) {
      if ((await store.pendingCount(subscription.id)) > 0) await ensurePump(subscription.id);
    }
    const [, claimed] = (await redis.xautoclaim(
      keys.events(),
      GROUP,
      consumer,
      60_000,
      '0-0',
      'COUNT',
      500,
    )) as [string, [string, string[]][]];
    if (claimed.length > 0) await route(claimed.filter(([, fields]) => fields !== null));
  }

  async function createGroup(client: Redis = redis): Promise<void> {
    try {
      // From now on: alerts are about outages happening, not a replay of the stream's history.
      await client.xgroup('CREATE', keys.events(), GROUP, '$', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  }

  async function pump(job: Job<{ subscriptionId: string }>): Promise<string> {
    const { subscriptionId } = job.data;
    const found = await store.get(subscriptionId);
    if (!found) return 'subscription gone';
    const { subscription, secret } = found;
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let sent = 0;
    for (;;) {
      const delivery = await store.head(subscriptionId);
      if (!delivery) return `delivered ${sent}`;
      try {
        const url = checkWebhookUrl(subscription.url, config.actions.webhookAllowedHosts);
        const body = JSON.stringify(delivery.payload);
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'user-agent': 'vigil-alerts',
              'x-vigil-event': delivery.event,
              'x-vigil-delivery': delivery.id,
              'x-vigil-signature': signPayload(secret, body),
            },
            body,
            signal: AbortSignal.timeout(options.timeoutMs),
            redirect: 'manual',
          });
        } catch (error) {
          throw new DeliveryError(`unreachable: ${(error as Error).message}`);
        }
        // Only the first 64 KiB, for the dead letter's excerpt: a receiver answering 300 MB costs no more.
        const answer = await readCappedBody(response);
        if (response.status < 200 || response.status >= 300) {
          const retryAfter = retryAfterMs(response.headers.get('retry-after'));
          const excerpt = bodyExcerpt(answer);
          throw new DeliveryError(
            `answered ${response.status}${excerpt === '' ? '' : `: ${excerpt}`}`,
            retryAfter,
          );
        }
        if (answer.overCap)
          log.warn(
            { subscriptionId, deliveryId: delivery.id, status: response.status, readBytes: answer.bytes },
            'receiver accepted the alert with an answer over the body cap; the rest was not read',
          );
        await store.delivered(subscriptionId, delivery);
        await count('delivered');
        sent += 1;
      } catch (error) {
        const message = (error as Error).message;
        if (!final) {
          await count('retried');
          throw error;
        }
        await count('dead');
        log.warn(
          { subscriptionId, deliveryId: delivery.id, reason: message },
          'alert dead-lettered after every attempt',
        );
        await store.kill(
          subscriptionId,
          { ...delivery, attempts: job.attemptsMade + 1 },
          message,
          Date.now(),
        );
        // The sweep starts a fresh pump (fresh attempts) for whatever is behind it.
        return `dead-lettered ${delivery.id}`;
      }
    }
  }

  return {
    name: 'worker-alerts',
    stage: 'workers',
    async start() {
      reader = createRedisConnection(config.redisUrl, 'worker', 'vigil-alerts-reader');
      connection = createRedisConnection(config.redisUrl, 'worker', 'vigil-alerts');
      // On the worker connection, which waits for Redis: at start the command connection may not be
      // ready yet, and it fails fast rather than queue.
      await createGroup(connection);
      queue = new Queue(ALERTS_QUEUE, { connection, prefix: keys.bullPrefix() });
      worker = new Worker(ALERTS_QUEUE, pump, {
        connection,
        prefix: keys.bullPrefix(),
        concurrency: 20,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => {
            const exponential = Math.min(
              options.maxDelayMs,
              options.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1),
            );
            const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
            return retryAfter !== undefined
              ? Math.min(300_000, Math.max(retryAfter, exponential))
              : exponential;
          },
        },
      });
      worker.on('error', (error) => log.warn({ err: error }, 'alerts worker error'));
      running = true;
      loop = consume();
    },
    async close() {
      running = false;
      reader?.disconnect();
      await loop;
      await worker?.close();
      await queue?.close();
      connection?.disconnect();
    },
  };
}

/** Retry-After as seconds or an HTTP date (RFC 9110 section 10.2.3). */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
