import type { Incident } from '../correlation/index.js';
import { alertPayload } from './alert-payload.js';
import type { Delivery } from './webhook.js';
import type { WebhookStore } from './webhook-store.js';

export interface AlertmanagerRepostDeps {
  store: Pick<WebhookStore, 'list' | 'enqueue' | 'pendingCount'>;
  /** The active incidents (pending and open); only open ones were announced. */
  activeIncidents: () => Promise<Incident[]>;
  ensurePump: (subscriptionId: string) => Promise<void>;
  now?: () => number;
}

/** A re-post of one open incident to one target, as the pump sends it (marked `refresh`). */
function refreshDelivery(subscriptionId: string, incident: Incident, at: number): Delivery {
  const eventId = `refresh-${at}`;
  return {
    id: `${subscriptionId}:${eventId}:${incident.id}`,
    subscriptionId,
    event: 'incident.updated',
    eventId,
    payload: alertPayload({
      id: eventId,
      type: 'incident.updated',
      at,
      subscriberIds: [],
      deviceIds: [],
      data: incident,
    }),
    attempts: 0,
    refresh: true,
  };
}

/**
 * Posts every open incident again to every Alertmanager target, so its alert does not lapse at endsAt
 * while the incident lasts (as Prometheus re-sends firing alerts). Run on a schedule by one worker at
 * a time. A target with alerts still waiting is skipped: a re-post would only queue behind them, and a
 * target that is down would gather one per period. Returns how many re-posts were queued.
 */
export function createAlertmanagerRepost(deps: AlertmanagerRepostDeps) {
  const now = deps.now ?? Date.now;
  return async function repost(): Promise<number> {
    const targets = (await deps.store.list())
      .map(({ subscription }) => subscription)
      .filter((subscription) => subscription.kind === 'alertmanager');
    if (targets.length === 0) return 0;
    const open = (await deps.activeIncidents()).filter((incident) => incident.state === 'open');
    const at = now();
    let queued = 0;
    for (const target of targets) {
      if ((await deps.store.pendingCount(target.id)) > 0) continue;
      const deliveries = open
        .filter((incident) => target.includePlannedWorks || !incident.suppressAlerts)
        .map((incident) => refreshDelivery(target.id, incident, at));
      if (deliveries.length === 0) continue;
      await deps.store.enqueue(target.id, deliveries);
      await deps.ensurePump(target.id);
      queued += deliveries.length;
    }
    return queued;
  };
}
