import { createHmac } from 'node:crypto';
import type { Secret } from '../shared/secret.js';
import { AppError } from '../shared/app-error.js';
import { RESPONSE_BODY_CAP_BYTES, readCappedBody } from '../platform/read-capped-body.js';

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
 * POSTs a technician visit to the field service: JSON, signed with HMAC-SHA256 over
 * `<timestamp>.<body>` (`X-Vigil-Signature: t=<unix s>,v1=<hex>`, as Stripe-style receivers check it),
 * with the action id as `Idempotency-Key` so a retried dispatch books one visit. Throws a retryable
 * error on anything but a 2xx with a ticket id (a reply over 64 KiB, read no further, has none).
 */
export async function dispatchTechnician(
  url: string,
  secret: Secret,
  request: DispatchRequest,
  timeoutMs = 10_000,
): Promise<{ ticketId: string }> {
  const body = JSON.stringify(request);
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret.reveal()).update(`${timestamp}.${body}`).digest('hex');
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': request.actionId,
        'x-vigil-signature': `t=${timestamp},v1=${signature}`,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new AppError('ERR_FIELD_SERVICE_UNAVAILABLE', `field service unreachable: ${String(error)}`, {
      retryable: true,
      cause: error,
    });
  }
  // A ticket id needs a few bytes: past 64 KiB the answer is not read (nor held in memory) at all.
  const answer = await readCappedBody(response);
  if (!response.ok)
    throw new AppError('ERR_FIELD_SERVICE_UNAVAILABLE', `field service answered ${response.status}`, {
      retryable: response.status >= 500 || response.status === 429,
    });
  if (answer.overCap)
    throw new AppError(
      'ERR_FIELD_SERVICE_INVALID',
      `field service answered ${response.status} with a reply over ${RESPONSE_BODY_CAP_BYTES / 1024} KiB; no ticketId read from it`,
      { retryable: true },
    );
  let ticketId: unknown;
  try {
    const parsed = JSON.parse(answer.text) as { ticketId?: unknown; id?: unknown };
    ticketId = parsed.ticketId ?? parsed.id;
  } catch {
    ticketId = undefined;
  }
  // An empty id is no ticket: the visit may not be booked, and nobody could follow it up.
  const valid =
    (typeof ticketId === 'string' && ticketId.trim() !== '') ||
    (typeof ticketId === 'number' && Number.isFinite(ticketId));
  if (!valid)
    throw new AppError('ERR_FIELD_SERVICE_INVALID', 'field service reply has no ticketId', {
      retryable: true,
    });
  return { ticketId: String(ticketId) };
}
