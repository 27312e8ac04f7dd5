import { AppError } from '../shared/app-error.js';
import { Secret } from '../shared/secret.js';
import { checkWebhookUrl } from './allowed-host.js';
import { ALERT_EVENTS, type AlertEvent, type AlertTargetKind, type WebhookSubscription } from './webhook.js';

/** The body of `POST /v1/webhooks`, as the API's schema lets it through. */
export interface AlertTargetBody {
  kind?: AlertTargetKind;
  url: string;
  secret?: string;
  events?: AlertEvent[];
  includePlannedWorks?: boolean;
  description?: string;
  basicAuth?: { username: string; password: string };
  bearerToken?: string;
  consoleUrl?: string;
}

export type AlertTargetInput = Omit<WebhookSubscription, 'id' | 'createdAt' | 'createdBy'>;

const invalid = (message: string) => new AppError('ERR_WEBHOOK_INVALID', message);

function webhookTarget(body: AlertTargetBody, url: URL): { input: AlertTargetInput; secret: Secret } {
  if (body.secret === undefined)
    throw invalid('a webhook needs a secret (16 characters or more) to sign with');
  if (body.basicAuth || body.bearerToken || body.consoleUrl !== undefined)
    throw invalid('basicAuth, bearerToken and consoleUrl are for kind "alertmanager"');
  return {
    input: {
      kind: 'webhook',
      url: url.toString(),
      events: body.events ?? [...ALERT_EVENTS],
      includePlannedWorks: body.includePlannedWorks ?? false,
      description: body.description ?? '',
    },
    secret: new Secret(body.secret),
  };
}

function consoleUrlOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('consoleUrl is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('consoleUrl is http or https');
  return url.toString();
}

/** The `Authorization` value for Alertmanager (RFC 7617 Basic, RFC 6750 Bearer), or none. */
function alertmanagerCredential(body: AlertTargetBody): {
  auth: 'none' | 'basic' | 'bearer';
  secret: Secret;
} {
  if (body.basicAuth && body.bearerToken) throw invalid('basicAuth or bearerToken, not both');
  if (body.basicAuth) {
    const { username, password } = body.basicAuth;
    if (username.includes(':')) throw invalid('a basic auth username has no ":" (RFC 7617)');
    const token = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    return { auth: 'basic', secret: new Secret(`Basic ${token}`) };
  }
  if (body.bearerToken) return { auth: 'bearer', secret: new Secret(`Bearer ${body.bearerToken}`) };
  return { auth: 'none', secret: new Secret('') };
}

function alertmanagerTarget(body: AlertTargetBody, url: URL): { input: AlertTargetInput; secret: Secret } {
  if (body.secret !== undefined)
    throw invalid('an Alertmanager target takes basicAuth or bearerToken, not a signing secret');
  // Alertmanager keeps an alert's state from its posts: it needs the whole lifecycle, or it would never resolve.
  if (body.events !== undefined)
    throw invalid('an Alertmanager target gets every incident event; leave out events');
  const consoleUrl = consoleUrlOf(body.consoleUrl);
  const { auth, secret } = alertmanagerCredential(body);
  return {
    input: {
      kind: 'alertmanager',
      url: url.toString(),
      auth,
      ...(consoleUrl ? { consoleUrl } : {}),
      events: [...ALERT_EVENTS],
      includePlannedWorks: body.includePlannedWorks ?? false,
      description: body.description ?? '',
    },
    secret,
  };
}

/**
 * What an admin's body makes: a webhook (signed with its secret) or an Alertmanager target (its base
 * URL, an optional credential kept as a secret). Either URL must pass the allow-list. Every refusal is
 * ERR_WEBHOOK_INVALID or ERR_WEBHOOK_FORBIDDEN naming the field, never a credential.
 */
export function alertTargetInput(
  body: AlertTargetBody,
  allowedHosts: readonly string[],
): { input: AlertTargetInput; secret: Secret } {
  const url = checkWebhookUrl(body.url, allowedHosts);
  return (body.kind ?? 'webhook') === 'alertmanager'
    ? alertmanagerTarget(body, url)
    : webhookTarget(body, url);
}
