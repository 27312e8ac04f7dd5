import type { ChainableCommander, Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { AlertEvent, Delivery } from './webhook.js';

/** queued: routed to a subscription; delivered: the receiver took it; dead: it failed every attempt. */
export type AlertLedgerState = 'queued' | 'delivered' | 'dead';

/** One alert of one incident to one subscription, as its timeline counts it. */
export interface AlertLedgerEntry {
  event: AlertEvent;
  subscriptionId: string;
  state: AlertLedgerState;
  at: number;
}

/** Kept a little longer than a resolved incident (30 days), which deletes it when it goes. */
const LEDGER_TTL_SECONDS = 31 * 24 * 3600;

const incidentOf = (delivery: Delivery): string | undefined => {
  const id = delivery.payload.incident['id'];
  return typeof id === 'string' ? id : undefined;
};

/**
 * Files each delivery's state under its incident, keyed by delivery id: a delivery routed twice (a
 * reclaimed stream entry) or re-sent after a replay is one alert, in its latest state, never two.
 */
export function ledgerInto(
  pipeline: ChainableCommander,
  keys: RedisKeys,
  deliveries: readonly Delivery[],
  state: AlertLedgerState,
  at: number,
): void {
  for (const delivery of deliveries) {
    const incidentId = incidentOf(delivery);
    if (incidentId === undefined) continue;
    const entry: AlertLedgerEntry = {
      event: delivery.event,
      subscriptionId: delivery.subscriptionId,
      state,
      at,
    };
    const key = keys.incidentAlerts(incidentId);
    pipeline.hset(key, delivery.id, JSON.stringify(entry));
    pipeline.expire(key, LEDGER_TTL_SECONDS);
  }
}

/** Every alert filed for one incident (a handful per event and subscription). */
export async function readIncidentAlerts(
  redis: Redis,
  keys: RedisKeys,
  incidentId: string,
): Promise<AlertLedgerEntry[]> {
  const values = await redis.hvals(keys.incidentAlerts(incidentId));
  return values.map((json) => JSON.parse(json) as AlertLedgerEntry);
}
