/** Incident events an alert subscription may ask for (alerts concern outages, never conversations). */
export const ALERT_EVENTS = ['incident.opened', 'incident.updated', 'incident.resolved'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/**
 * How a target takes alerts: `webhook`, Vigil's signed JSON (the default, and what subscriptions stored
 * before kinds existed are); `alertmanager`, Prometheus Alertmanager's v2 API (alertmanager-alert.ts).
 */
export const ALERT_TARGET_KINDS = ['webhook', 'alertmanager'] as const;
export type AlertTargetKind = (typeof ALERT_TARGET_KINDS)[number];

/** How Vigil authenticates to an Alertmanager target (the credential itself is stored apart, as a secret). */
export type AlertmanagerAuth = 'none' | 'basic' | 'bearer';

/** An outside system that wants outage alerts: the SMS notifier, a status page, the NOC's chat, Alertmanager. */
export interface WebhookSubscription {
  id: string;
  /** Absent on subscriptions stored before kinds existed: those are webhooks. */
  kind?: AlertTargetKind;
  /** A webhook's URL; for Alertmanager, its base URL (alerts go to `<url>/api/v2/alerts`). */
  url: string;
  /** Alertmanager only: which credential goes with each POST. */
  auth?: AlertmanagerAuth;
  /** Alertmanager only: the console's address, for each alert's link (`console_url`, `generatorURL`). */
  consoleUrl?: string;
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
  /**
   * A re-post of an open incident to Alertmanager (its alert lapses at endsAt unless posted again): not
   * sent once the incident is over, so a re-post queued just before the resolution cannot reopen it.
   */
  refresh?: boolean;
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
