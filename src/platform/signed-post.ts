import type { Secret } from '../shared/secret.js';
import { postVerdict } from './post-verdict.js';
import { readCappedBody, type CappedBody } from './read-capped-body.js';
import { retryAfterMs } from './retry-after.js';
import { signPayload } from './sign-payload.js';

export interface SignedPost {
  url: string | URL;
  secret: Secret;
  /** The JSON text sent; the signature covers exactly these characters. */
  body: string;
  /** Headers of the caller's protocol (event name, delivery id, idempotency key). */
  headers?: Readonly<Record<string, string>>;
  /** For the whole exchange: connecting, the status line and the (capped) body. */
  timeoutMs: number;
}

/** How a POST went, in our own words (`reason`), with the receiver's answer when there was one. */
export type SignedPostOutcome =
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
 * The one signed POST of Vigil, used by outage webhooks and technician dispatch: JSON signed with
 * `X-Vigil-Signature` (platform/sign-payload.ts), redirects refused, the answer read to 64 KiB at most,
 * and a verdict (platform/post-verdict.ts) instead of an exception, so each caller decides what a retry
 * means for it. Nothing here names the secret: reasons come from statuses and error codes only.
 */
export async function signedPost(post: SignedPost): Promise<SignedPostOutcome> {
  let response: Response;
  try {
    response = await fetch(post.url, {
      method: 'POST',
      headers: {
        ...post.headers,
        'content-type': 'application/json',
        'x-vigil-signature': signPayload(post.secret, post.body),
      },
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
