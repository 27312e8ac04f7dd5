import type { Redis } from 'ioredis';

/** Longest a close waits for a reader's loop once its connection is cut. */
export const READER_STOP_GRACE_MS = 2_000;

/**
 * Ends a loop blocked on a reader connection (XREAD BLOCK): disconnects it, then waits for the loop —
 * at most `graceMs`. ioredis's disconnect() while the connection waits to reconnect (Redis gone)
 * clears the reconnect timer and leaves the commands it queued pending for ever (ioredis 5
 * Redis.disconnect calls connector.disconnect() on a stream already closed: no 'close' event, so the
 * offline queue is never flushed), and a loop blocked on one never ends. The owner's close must not
 * wait on it: a `vigil serve` stopped while Redis is down would otherwise hang to its deadline.
 */
export async function stopReaderLoop(
  reader: Redis | undefined,
  loop: Promise<unknown> | undefined,
  graceMs = READER_STOP_GRACE_MS,
): Promise<void> {
  reader?.disconnect();
  if (loop) await waitAtMost(loop, graceMs);
}

/**
 * Waits for `promise` (its rejection ignored) at most `ms`. For closes that ioredis can leave pending
 * for ever while Redis is down (BullMQ's QueueEvents.close waits for an 'end' that never comes, as above).
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([settled, grace]);
  clearTimeout(timer);
}
