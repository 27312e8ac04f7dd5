import type { StoredEvent } from '../events/vigil-event.js';
import { alertPayload } from './alert-payload.js';
import { ALERT_EVENTS, type AlertEvent, type Delivery, type WebhookSubscription } from './webhook.js';

/** The deliveries one subscription gets from a batch of events, in the events' order. */
export interface RoutedAlerts {
  subscriptionId: string;
  deliveries: Delivery[];
}

const isAlertEvent = (event: StoredEvent): event is StoredEvent & { type: AlertEvent } =>
  (ALERT_EVENTS as readonly string[]).includes(event.type);

/**
 * Which subscription gets which event: only incident events, only the types a subscription asked for,
 * and planned works (incidents carrying `suppressAlerts`) only to those that asked for them too.
 * Pure; subscriptions that get nothing are left out. A delivery's id is `<subscription>:<event id>`,
 * so routing the same event twice (a reclaimed stream entry) gives the same delivery ids.
 */
export function routeAlerts(
  events: readonly StoredEvent[],
  subscriptions: readonly WebhookSubscription[],
): RoutedAlerts[] {
  const alerts = events.filter(isAlertEvent);
  if (alerts.length === 0) return [];
  return subscriptions.flatMap((subscription) => {
    const deliveries: Delivery[] = alerts
      .filter((event) => subscription.events.includes(event.type))
      .filter(
        (event) =>
          subscription.includePlannedWorks || !(event.data as { suppressAlerts?: boolean }).suppressAlerts,
      )
      .map((event) => ({
        id: `${subscription.id}:${event.id}`,
        subscriptionId: subscription.id,
        event: event.type,
        eventId: event.id,
        payload: alertPayload(event),
        attempts: 0,
      }));
    return deliveries.length === 0 ? [] : [{ subscriptionId: subscription.id, deliveries }];
  });
}
