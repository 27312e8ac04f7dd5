import { RESPONSE_BODY_CAP_BYTES } from '../platform/read-capped-body.js';
import { signedPost } from '../platform/signed-post.js';
import { AppError } from '../shared/app-error.js';
import type { Secret } from '../shared/secret.js';

export interface DispatchRequest {
  actionId: string;
  deviceId: string;
  subscriberIds: string[];
  reason: string;
  evidence: string[];
  requestedBy: string;
  requestedAt: string;
}

/**
 * POSTs a technician visit to the field service through the one signed sender (platform/signed-post.ts:
 * HMAC-SHA256 over `<timestamp>.<body>` as `X-Vigil-Signature: t=<unix s>,v1=<hex>`, as Stripe-style
 * receivers check it), with the action id as `Idempotency-Key` so a retried dispatch books one visit.
 * Returns the ticket id of a 2xx; otherwise throws ERR_FIELD_SERVICE_UNAVAILABLE (worth retrying: 5xx,
 * 408, 429, unreachable, timed out), ERR_FIELD_SERVICE_REJECTED (not: any other 4xx, a redirect) or
 * ERR_FIELD_SERVICE_INVALID (a 2xx without a ticket id; a reply over 64 KiB, read no further, has none).
 */
export async function dispatchTechnician(
  url: string,
  secret: Secret,
  request: DispatchRequest,
  timeoutMs = 10_000,
): Promise<{ ticketId: string }> {
  const outcome = await signedPost({
    url,
    secret,
    body: JSON.stringify(request),
    headers: { 'idempotency-key': request.actionId },
    timeoutMs,
  });
  if (outcome.verdict !== 'delivered')
    throw new AppError(
      outcome.verdict === 'retry' ? 'ERR_FIELD_SERVICE_UNAVAILABLE' : 'ERR_FIELD_SERVICE_REJECTED',
      `field service ${outcome.reason}`,
    );
  const { status, answer } = outcome;
  // A ticket id needs a few bytes: past 64 KiB the answer is not read (nor held in memory) at all.
  if (answer.overCap)
    throw new AppError(
      'ERR_FIELD_SERVICE_INVALID',
      `field service answered ${status} with a reply over ${RESPONSE_BODY_CAP_BYTES / 1024} KiB; no ticketId read from it`,
    );
  const ticketId = ticketIdOf(answer.text);
  if (ticketId === undefined)
    throw new AppError('ERR_FIELD_SERVICE_INVALID', 'field service reply has no ticketId');
  return { ticketId };
}

/** `ticketId` (or `id`) of a JSON reply; an empty id is no ticket: nobody could follow the visit up. */
function ticketIdOf(text: string): string | undefined {
  let ticketId: unknown;
  try {
    const parsed = JSON.parse(text) as { ticketId?: unknown; id?: unknown } | null;
    ticketId = parsed?.ticketId ?? parsed?.id;
  } catch {
    return undefined;
  }
  if (typeof ticketId === 'string' && ticketId.trim() !== '') return ticketId;
  if (typeof ticketId === 'number' && Number.isFinite(ticketId)) return String(ticketId);
  return undefined;
}
