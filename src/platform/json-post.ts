import type { Secret } from '../shared/secret.js';
import { postVerdict } from './post-verdict.js';
import { readCappedBody, type CappedBody } from './read-capped-body.js';
import { retryAfterMs } from './retry-after.js';

export interface JsonPost {
  url: string | URL;
  /** The JSON text sent. */
  body: string;
  /** Headers of the caller's protocol (event name, delivery id, idempotency key). */
  headers?: Readonly<Record<string, string>>;
  /** Headers carrying a credential (a signature, `Authorization`): revealed only into the request. */
  secretHeaders?: Readonly<Record<string, Secret>>;
  /** For the whole exchange: connecting, the status line and the (capped) body. */
  timeoutMs: number;
}

/** How a POST went, in our own words (`reason`), with the receiver's answer when there was one. */
export type JsonPostOutcome =
  | { verdict: 'delivered'; status: number; answer: CappedBody }
  | {
      verdict: 'retry' | 'give_up';
      reason: string;
      status?: number;
      answer?: CappedBody;
      /** The receiver's Retry-After, when it sent one with a retry verdict. */
      retryAfterMs?: number;
    };

/**
 * A JSON POST to a machine that may be repeated: redirects refused, the answer read to 64 KiB at most,
 * and a verdict (platform/post-verdict.ts) instead of an exception, so each caller decides what a retry
 * means for it. Nothing here names a secret: reasons come from statuses and error codes only.
 */
export async function jsonPost(post: JsonPost): Promise<JsonPostOutcome> {
  const secretHeaders = Object.fromEntries(
    Object.entries(post.secretHeaders ?? {}).map(([name, value]) => [name, value.reveal()]),
  );
  let response: Response;
  try {
    response = await fetch(post.url, {
      method: 'POST',
      headers: { ...post.headers, ...secretHeaders, 'content-type': 'application/json' },
      body: post.body,
      signal: AbortSignal.timeout(post.timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    return { verdict: 'retry', reason: unreachableReason(error, post.timeoutMs) };
  }
  // Only the first 64 KiB: a receiver answering 300 MB costs no more than one answering 64 KiB.
  const answer = await readCappedBody(response);
  const { status } = response;
  const verdict = postVerdict(status);
  if (verdict === 'delivered') return { verdict, status, answer };
  const reason =
    status >= 300 && status < 400 ? `answered ${status} (a redirect, not followed)` : `answered ${status}`;
  const wait = verdict === 'retry' ? retryAfterMs(response.headers.get('retry-after')) : undefined;
  return { verdict, reason, status, answer, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
}

/**
 * Why fetch threw, in our words: a timeout, or the system error code undici carries as its cause
 * (ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET…), never fetch's own message text.
 */
function unreachableReason(error: unknown, timeoutMs: number): string {
  if ((error as { name?: unknown } | null)?.name === 'TimeoutError')
    return `unreachable: no answer within ${timeoutMs} ms`;
  const code = (error as { cause?: { code?: unknown } | null } | null)?.cause?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? `unreachable (${code})` : 'unreachable';
}
