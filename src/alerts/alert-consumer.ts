import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { decodeEvent } from '../events/event-log.js';
import type { StoredEvent } from '../events/vigil-event.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { routeAlerts } from './route-alerts.js';
import type { WebhookStore } from './webhook-store.js';
import { stopReaderLoop } from '../platform/stop-reader-loop.js';

const GROUP = 'alerts';

type StreamEntry = [id: string, fields: string[]];

export interface AlertConsumerDeps {
  /** The command connection (acknowledge, reclaim, queue deliveries). */
  redis: Redis;
  /** A connection of its own for the blocking read. */
  reader: Redis;
  keys: RedisKeys;
  store: WebhookStore;
  log: Logger;
  sweepEveryMs: number;
  /** Makes sure a subscription with deliveries queued has its pump (idempotent). */
  ensurePump: (subscriptionId: string) => Promise<void>;
}

/** Routes a batch of stream entries onto the subscriptions' queues, then acknowledges them. */
async function routeEntries(deps: AlertConsumerDeps, entries: readonly StreamEntry[]): Promise<void> {
  const { redis, keys, store } = deps;
  const events: StoredEvent[] = entries.flatMap(([id, fields]) => decodeEvent(id, fields) ?? []);
  const subscriptions = events.length > 0 ? await store.list() : [];
  const routed = routeAlerts(
    events,
    subscriptions.map((s) => s.subscription),
  );
  for (const { subscriptionId, deliveries } of routed) {
    await store.enqueue(subscriptionId, deliveries);
    await deps.ensurePump(subscriptionId);
  }
  if (entries.length > 0) await redis.xack(keys.events(), GROUP, ...entries.map(([id]) => id));
}

/** Pumps for every queue with alerts waiting (a pump that ended as one arrived), and entries a dead worker read but never routed. */
async function sweep(deps: AlertConsumerDeps, consumer: string): Promise<void> {
  const { redis, keys, store } = deps;
  for (const { subscription } of await store.list()) {
    if ((await store.pendingCount(subscription.id)) > 0) await deps.ensurePump(subscription.id);
  }
  const [, claimed] = (await redis.xautoclaim(
    keys.events(),
    GROUP,
    consumer,
    60_000,
    '0-0',
    'COUNT',
    500,
  )) as [string, (StreamEntry | [string, null])[]];
  // An entry trimmed from the stream after it was read comes back with no fields.
  const live = claimed.filter((entry): entry is StreamEntry => entry[1] !== null);
  if (claimed.length > 0) await routeEntries(deps, live);
}

async function readNew(deps: AlertConsumerDeps, consumer: string): Promise<void> {
  const reply = (await deps.reader.xreadgroup(
    'GROUP',
    GROUP,
    consumer,
    'COUNT',
    500,
    'BLOCK',
    1_000,
    'STREAMS',
    deps.keys.events(),
    '>',
  )) as [string, StreamEntry[]][] | null;
  for (const [, entries] of reply ?? []) await routeEntries(deps, entries);
}

async function createGroup(client: Redis, keys: RedisKeys): Promise<void> {
  try {
    // From now on: alerts are about outages happening, not a replay of the stream's history.
    await client.xgroup('CREATE', keys.events(), GROUP, '$', 'MKSTREAM');
  } catch (error) {
    if (!String(error).includes('BUSYGROUP')) throw error;
  }
}

/**
 * Reads incident events from the outward stream through a consumer group (any number of workers share
 * it; an event is queued once, acknowledged after), routes them (route-alerts.ts) onto each
 * subscription's queue in Redis and makes sure its pump runs. A periodic sweep starts pumps for queues
 * whose pump ended as an alert arrived, and reclaims entries a dead worker read but never routed.
 */
export function createAlertConsumer(deps: AlertConsumerDeps) {
  const consumer = `${hostname()}-${process.pid}`;
  let running = false;
  let loop: Promise<void> | undefined;

  async function consume(): Promise<void> {
    let lastSweep = 0;
    while (running) {
      try {
        await readNew(deps, consumer);
        if (Date.now() - lastSweep >= deps.sweepEveryMs) {
          lastSweep = Date.now();
          await sweep(deps, consumer);
        }
      } catch (error) {
        if (!running) return;
        if (String(error).includes('NOGROUP')) await createGroup(deps.redis, deps.keys);
        else {
          deps.log.warn({ err: error }, 'alert routing failed; retrying');
          await sleep(1_000);
        }
      }
    }
  }

  return {
    /** Creates the group on `client` (a connection that waits for Redis at boot), then reads. */
    async start(client: Redis): Promise<void> {
      await createGroup(client, deps.keys);
      running = true;
      loop = consume();
    },
    /** Stops reading; disconnecting the reader ends a blocking read at once. */
    async stop(): Promise<void> {
      running = false;
      await stopReaderLoop(deps.reader, loop);
    },
  };
}
