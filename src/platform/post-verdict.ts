/** What a sender says about one POST: done, worth another try later, or never worth another try. */
export type PostVerdict = 'delivered' | 'retry' | 'give_up';

/**
 * The verdict of an HTTP status for a POST we may repeat (our POSTs carry a signature and an id the
 * receiver dedupes on, so a repeat is safe):
 *
 * - 2xx: delivered.
 * - 3xx: given up. Redirects are not followed: a signed body goes only to the URL the operator allowed,
 *   and following would repeat it elsewhere on every attempt.
 * - 408 Request Timeout (RFC 9110 section 15.5.9: the client may repeat the request) and 429 Too Many
 *   Requests (RFC 6585 section 4): retry, honouring Retry-After.
 * - any other 4xx: given up. The receiver refused this request, and the same request would be refused
 *   again.
 * - 5xx: retry; the receiver failed, not the request.
 */
export function postVerdict(status: number): PostVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) return 'retry';
  return 'give_up';
}
