import type { Redis } from 'ioredis';
import { decodeEventHead, withData } from '../events/event-log.js';
import {
  createEventGroupReader,
  type EventGroupReader,
  type StreamEntry,
} from '../events/event-group-reader.js';
import type { StoredEvent } from '../events/vigil-event.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { routeAlerts } from './route-alerts.js';
import { ALERT_EVENTS } from './webhook.js';
import type { WebhookStore } from './webhook-store.js';

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

/** Routes a batch of stream entries onto the subscriptions' queues (the reader acknowledges them after). */
async function routeEntries(deps: AlertConsumerDeps, entries: readonly StreamEntry[]): Promise<void> {
  const { store } = deps;
  // Only incident events become alerts: every other event's data (a conversation's fresh diagnosis,
  // one per open) is never parsed, and without an incident event the subscriptions are not read.
  const events: StoredEvent[] = entries.flatMap(([id, fields]) => {
    const head = decodeEventHead(id, fields);
    return head && (ALERT_EVENTS as readonly string[]).includes(head.type) ? [withData(head)] : [];
  });
  const subscriptions = events.length > 0 ? await store.list() : [];
  const routed = routeAlerts(
    events,
    subscriptions.map((s) => s.subscription),
  );
  for (const { subscriptionId, deliveries } of routed) {
    await store.enqueue(subscriptionId, deliveries);
    await deps.ensurePump(subscriptionId);
  }
}

/** A pump for every queue with alerts waiting: one whose pump ended just as an alert arrived. */
async function ensurePumps(deps: AlertConsumerDeps): Promise<void> {
  for (const { subscription } of await deps.store.list()) {
    if ((await deps.store.pendingCount(subscription.id)) > 0) await deps.ensurePump(subscription.id);
  }
}

/**
 * Reads incident events from the outward stream through the `alerts` consumer group
 * (event-group-reader.ts: any number of workers share it; an event is queued once, acknowledged
 * after), routes them (route-alerts.ts) onto each subscription's queue in Redis and makes sure its pump
 * runs. Every `sweepEveryMs` it starts pumps for queues whose pump ended as an alert arrived, and
 * reclaims entries a dead worker read but never routed.
 */
export function createAlertConsumer(deps: AlertConsumerDeps): EventGroupReader {
  return createEventGroupReader({
    redis: deps.redis,
    reader: deps.reader,
    keys: deps.keys,
    group: 'alerts',
    count: 500,
    reclaimEveryMs: deps.sweepEveryMs,
    handle: (entries) => routeEntries(deps, entries),
    sweep: () => ensurePumps(deps),
    log: deps.log,
    failure: 'alert routing failed; retrying',
  });
}
