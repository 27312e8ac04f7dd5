import { UnrecoverableError, type Job } from 'bullmq';
import { isAppError } from '../shared/app-error.js';

/**
 * The worker boundary's one translation: BullMQ retries every thrown error until the job's attempts
 * run out, so an AppError that can never succeed on a retry (its code is not retryable,
 * shared/error-codes.ts: invalid, not found, forbidden…) becomes BullMQ's UnrecoverableError, which
 * fails the job at once. The code and message stay readable in the failed job's reason, and the
 * original is kept as the cause. Anything else (our retryable errors, Redis hiccups, bugs) is thrown
 * as it came, to be retried.
 */
export function asWorkerError(error: unknown): unknown {
  if (!isAppError(error) || error.retryable) return error;
  const unrecoverable = new UnrecoverableError(`${error.code}: ${error.message}`);
  // BullMQ's constructor takes no options; the cause keeps the AppError for logs of `failed` events.
  unrecoverable.cause = error;
  return unrecoverable;
}

/** A BullMQ processor whose throws pass through asWorkerError. */
export function withWorkerErrors<Data, Result, Args extends unknown[]>(
  processor: (job: Job<Data>, ...rest: Args) => Promise<Result>,
): (job: Job<Data>, ...rest: Args) => Promise<Result> {
  return async (job, ...rest) => {
    try {
      return await processor(job, ...rest);
    } catch (error) {
      throw asWorkerError(error);
    }
  };
}
