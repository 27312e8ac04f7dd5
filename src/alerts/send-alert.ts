import { bodyExcerpt } from '../platform/read-capped-body.js';
import { signedPost, type SignedPostOutcome } from '../platform/signed-post.js';
import { isAppError } from '../shared/app-error.js';
import type { Secret } from '../shared/secret.js';
import { checkWebhookUrl } from './allowed-host.js';
import type { Delivery, WebhookSubscription } from './webhook.js';

/** One send of one alert: the signed POST's outcome, and the failure as a dead letter records it. */
export interface AlertSend {
  outcome: SignedPostOutcome;
  /** `answered 500: <excerpt>`, `unreachable (ECONNREFUSED)`…; undefined once delivered. */
  failure?: string;
}

/**
 * Sends one alert to its subscriber through the signed POST (platform/signed-post.ts), with the
 * headers receivers route and dedupe on (`X-Vigil-Event`, `X-Vigil-Delivery`). The URL is checked
 * against the allow-list on every send, as it stands now: a host the operator removed is given up.
 */
export async function sendAlert(
  target: { subscription: WebhookSubscription; secret: Secret },
  delivery: Delivery,
  options: { allowedHosts: readonly string[]; timeoutMs: number },
): Promise<AlertSend> {
  let url: URL;
  try {
    url = checkWebhookUrl(target.subscription.url, options.allowedHosts);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { outcome: { verdict: 'give_up', reason: error.message }, failure: error.message };
  }
  const outcome = await signedPost({
    url,
    secret: target.secret,
    body: JSON.stringify(delivery.payload),
    headers: {
      'user-agent': 'vigil-alerts',
      'x-vigil-event': delivery.event,
      'x-vigil-delivery': delivery.id,
    },
    timeoutMs: options.timeoutMs,
  });
  if (outcome.verdict === 'delivered') return { outcome };
  // Only the first 64 KiB were read: the excerpt says so when the receiver sent more.
  const excerpt = outcome.answer ? bodyExcerpt(outcome.answer) : '';
  return { outcome, failure: excerpt === '' ? outcome.reason : `${outcome.reason}: ${excerpt}` };
}
