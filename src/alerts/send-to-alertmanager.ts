import { bodyExcerpt } from '../platform/read-capped-body.js';
import { jsonPost } from '../platform/json-post.js';
import { isAppError } from '../shared/app-error.js';
import type { Secret } from '../shared/secret.js';
import { alertmanagerAlerts } from './alertmanager-alert.js';
import { checkWebhookUrl } from './allowed-host.js';
import type { AlertSend } from './send-alert.js';
import type { Delivery, WebhookSubscription } from './webhook.js';

export interface AlertmanagerSendDeps {
  allowedHosts: readonly string[];
  timeoutMs: number;
  now: () => number;
  /** How long a firing alert holds without a re-post (its endsAt from now). */
  validityMs: number;
  /** The root device's site, from the inventory. */
  siteOf: (deviceId: string) => Promise<string | undefined>;
  /** Whether the incident is still open: a re-post of one that is over is not sent. */
  isOpen: (incidentId: string) => Promise<boolean>;
}

/** Where alerts go: the v2 API under the base URL the target names (a path prefix kept, as behind a proxy). */
export function alertmanagerAlertsUrl(base: URL): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  return url;
}

/**
 * Sends one incident event to an Alertmanager target: its alerts (alertmanager-alert.ts) POSTed to
 * `/api/v2/alerts` with the target's credential as `Authorization` (never logged: a Secret, revealed
 * into the request only). The URL is checked against the allow-list as webhooks are. Undefined when
 * there is nothing to send: a re-post of an incident that is over.
 */
export async function sendToAlertmanager(
  target: { subscription: WebhookSubscription; secret: Secret },
  delivery: Delivery,
  deps: AlertmanagerSendDeps,
): Promise<AlertSend | undefined> {
  const incidentId = String(delivery.payload.incident.id);
  if (delivery.refresh && !(await deps.isOpen(incidentId))) return undefined;
  let base: URL;
  try {
    base = checkWebhookUrl(target.subscription.url, deps.allowedHosts);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { outcome: { verdict: 'give_up', reason: error.message }, failure: error.message };
  }
  const rootDeviceId = String(delivery.payload.incident.rootDeviceId);
  const site = await deps.siteOf(rootDeviceId);
  const alerts = alertmanagerAlerts(delivery.payload, {
    ...(site ? { site } : {}),
    ...(target.subscription.consoleUrl ? { consoleUrl: target.subscription.consoleUrl } : {}),
    now: deps.now(),
    validityMs: deps.validityMs,
  });
  const outcome = await jsonPost({
    url: alertmanagerAlertsUrl(base),
    body: JSON.stringify(alerts),
    headers: { 'user-agent': 'vigil-alerts' },
    secretHeaders: (target.subscription.auth ?? 'none') === 'none' ? {} : { authorization: target.secret },
    timeoutMs: deps.timeoutMs,
  });
  if (outcome.verdict === 'delivered') return { outcome };
  const excerpt = outcome.answer ? bodyExcerpt(outcome.answer) : '';
  return { outcome, failure: excerpt === '' ? outcome.reason : `${outcome.reason}: ${excerpt}` };
}
