/**
 * Thrown by the delivery pump so that BullMQ runs it again later; carries the receiver's Retry-After
 * for the backoff (alert-backoff.ts). The message is the failure as the dead letter would record it.
 */
export class DeliveryRetry extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryRetry';
  }
}
