/** Incident events an alert subscription may ask for (alerts concern outages, never conversations). */
export const ALERT_EVENTS = ['incident.opened', 'incident.updated', 'incident.resolved'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** An outside system that wants outage alerts: the SMS notifier, a status page, the NOC's chat. */
export interface WebhookSubscription {
  id: string;
  url: string;
  /** Which incident events it receives. */
  events: AlertEvent[];
  /** Planned works too (their incidents carry suppressAlerts); off by default: works are announced elsewhere. */
  includePlannedWorks: boolean;
  description: string;
  createdAt: number;
  createdBy: string;
}

/** One alert waiting for (or past) delivery to one subscription. */
export interface Delivery {
  id: string;
  subscriptionId: string;
  event: AlertEvent;
  /** The outward stream id of the event: receivers dedupe on it (deliveries are at least once). */
  eventId: string;
  payload: AlertPayload;
  attempts: number;
  firstAttemptAt?: number;
  lastError?: string;
}

/** What a receiver gets (JSON). Subscriber lists longer than the inline limit come as a link to page through. */
export interface AlertPayload {
  id: string;
  type: AlertEvent;
  at: string;
  incident: Record<string, unknown>;
  affectedSubscribers: { count: number; ids?: string[]; href?: string };
}

/** Subscribers listed inline up to this many; past it the receiver pages through the incident API. */
export const INLINE_SUBSCRIBERS = 1_000;
