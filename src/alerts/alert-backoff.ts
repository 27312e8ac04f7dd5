import type { SignedPostOutcome } from '../platform/signed-post.js';
import type { AlertsOptions } from './alerts-options.js';

/** The longest wait a receiver's Retry-After may impose: past it, a receiver could stall its queue for good. */
export const MAX_RETRY_AFTER_MS = 300_000;

/** What becomes of the delivery at the head of a subscription's queue after one send. */
export type AlertFate = 'delivered' | 'retry' | 'dead_letter';

/**
 * Delivered; or retried while attempts remain and the receiver's answer may change (5xx, 408, 429,
 * unreachable); or dead-lettered, after the last attempt or at once when the receiver refused it
 * (another 4xx, a redirect, a URL no longer allowed), so the alerts behind it go on.
 */
export function alertFate(
  verdict: SignedPostOutcome['verdict'],
  attempt: { made: number; allowed: number },
): AlertFate {
  if (verdict === 'delivered') return 'delivered';
  if (verdict === 'give_up') return 'dead_letter';
  return attempt.made + 1 >= attempt.allowed ? 'dead_letter' : 'retry';
}

/**
 * The wait before the next attempt, `attemptsMade` of them made: `baseDelayMs` doubled each time up to
 * `maxDelayMs`; a Retry-After (RFC 9110 section 10.2.3) lengthens it, up to MAX_RETRY_AFTER_MS, but
 * never shortens it, so a receiver answering "Retry-After: 0" cannot make us hammer it.
 */
export function alertRetryDelayMs(
  attemptsMade: number,
  options: Pick<AlertsOptions, 'baseDelayMs' | 'maxDelayMs'>,
  retryAfterMs?: number,
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  return retryAfterMs === undefined
    ? exponential
    : Math.min(MAX_RETRY_AFTER_MS, Math.max(retryAfterMs, exponential));
}
