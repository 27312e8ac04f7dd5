import { Secret } from '../shared/secret.js';
import { jsonPost, type JsonPostOutcome } from './json-post.js';
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

export type SignedPostOutcome = JsonPostOutcome;

/**
 * The one signed POST of Vigil, used by outage webhooks and technician dispatch: JSON signed with
 * `X-Vigil-Signature` (platform/sign-payload.ts), sent as platform/json-post.ts sends any repeatable
 * POST (redirects refused, the answer capped, a verdict instead of an exception).
 */
export async function signedPost(post: SignedPost): Promise<SignedPostOutcome> {
  return jsonPost({
    url: post.url,
    body: post.body,
    ...(post.headers ? { headers: post.headers } : {}),
    secretHeaders: { 'x-vigil-signature': new Secret(signPayload(post.secret, post.body)) },
    timeoutMs: post.timeoutMs,
  });
}
