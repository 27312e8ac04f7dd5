import type { Redis } from 'ioredis';
import { countInto } from '../platform/fleet-counters.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { alertFate } from './alert-backoff.js';
import { DeliveryRetry } from './delivery-retry.js';
import { ledgerInto } from './incident-alert-ledger.js';
import { sendAlert, type AlertSend } from './send-alert.js';
import { sendToAlertmanager, type AlertmanagerSendDeps } from './send-to-alertmanager.js';
import type { Delivery, WebhookSubscription } from './webhook.js';
import type { Secret } from '../shared/secret.js';
import type { WebhookStore } from './webhook-store.js';

export interface DeliveryPumpDeps {
  redis: Redis;
  keys: RedisKeys;
  store: WebhookStore;
  log: Logger;
  allowedHosts: readonly string[];
  timeoutMs: number;
  now?: () => number;
  /** What an Alertmanager target's sends need besides the above (its re-post validity, sites, incidents). */
  alertmanager: Pick<AlertmanagerSendDeps, 'validityMs' | 'siteOf' | 'isOpen'>;
}

/** Which attempt of the pump job this is (BullMQ's count), and how many it gets. */
export interface PumpAttempt {
  made: number;
  allowed: number;
}

type DeliveryResult = 'delivered' | 'retried' | 'dead';

/** Counts a send's result, and files it under its incident (whose timeline counts alerts) unless it will be retried. */
async function countResult(
  deps: DeliveryPumpDeps,
  result: DeliveryResult,
  delivery: Delivery,
  at: number,
): Promise<void> {
  const pipeline = deps.redis.pipeline();
  countInto(pipeline, deps.keys, 'vigil_webhook_deliveries_total', { result });
  if (result !== 'retried') ledgerInto(pipeline, deps.keys, [delivery], result, at);
  await pipeline.exec();
}

/**
 * The delivery pump of one subscription: takes the delivery at the head of its queue, sends it, and
 * records the outcome (alert-backoff.ts decides which): delivered → dropped from the queue, next one;
 * retry → DeliveryRetry thrown, so BullMQ runs the pump again after the backoff, the head still first
 * (deliveries stay in order); dead letter → moved aside, the pump ends, and the sweep starts a fresh one
 * for what is behind it. Every outcome is counted in `vigil_webhook_deliveries_total{result}`.
 */
export function createDeliveryPump(deps: DeliveryPumpDeps) {
  const { store, log } = deps;
  const now = deps.now ?? Date.now;

  const count = (result: DeliveryResult, delivery: Delivery) => countResult(deps, result, delivery, now());

  /** Records one send; true when the pump goes on to the next delivery. */
  async function record(delivery: Delivery, sent: AlertSend, attempt: PumpAttempt): Promise<boolean> {
    const { subscriptionId } = delivery;
    const { outcome, failure = '' } = sent;
    const fate = alertFate(outcome.verdict, attempt);
    if (fate === 'delivered') {
      if (outcome.verdict === 'delivered' && outcome.answer.overCap)
        log.warn(
          {
            subscriptionId,
            deliveryId: delivery.id,
            status: outcome.status,
            readBytes: outcome.answer.bytes,
          },
          'receiver accepted the alert with an answer over the body cap; the rest was not read',
        );
      await store.delivered(subscriptionId, delivery);
      await count('delivered', delivery);
      return true;
    }
    if (fate === 'retry') {
      await count('retried', delivery);
      throw new DeliveryRetry(failure, outcome.verdict === 'retry' ? outcome.retryAfterMs : undefined);
    }
    await count('dead', delivery);
    log.warn({ subscriptionId, deliveryId: delivery.id, reason: failure }, 'alert dead-lettered');
    await store.kill(subscriptionId, { ...delivery, attempts: attempt.made + 1 }, failure, now());
    return false;
  }

  /** One send by the target's kind; undefined when there is nothing to send (a re-post of an incident that is over). */
  const send = (
    target: { subscription: WebhookSubscription; secret: Secret },
    delivery: Delivery,
  ): Promise<AlertSend | undefined> =>
    target.subscription.kind === 'alertmanager'
      ? sendToAlertmanager(target, delivery, { ...deps, ...deps.alertmanager, now })
      : sendAlert(target, delivery, deps);

  /** Delivers a subscription's queue in order until it is empty, a delivery must wait, or one dies. */
  return async function pump(subscriptionId: string, attempt: PumpAttempt): Promise<string> {
    const found = await store.get(subscriptionId);
    if (!found) return 'subscription gone';
    let sent = 0;
    for (;;) {
      const delivery = await store.head(subscriptionId);
      if (!delivery) return `delivered ${sent}`;
      const outcome = await send(found, delivery);
      if (!outcome) {
        await store.delivered(subscriptionId, delivery);
        continue;
      }
      if (!(await record(delivery, outcome, attempt))) return `dead-lettered ${delivery.id}`;
      sent += 1;
    }
  };
}

export type DeliveryPump = ReturnType<typeof createDeliveryPump>;
