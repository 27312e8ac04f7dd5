import { ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes.js';

/**
 * Our own errors carry a code (one of shared/error-codes.ts), a retry decision and a cause.
 * The worker boundary maps `retryable: false` to BullMQ's UnrecoverableError
 * (platform/worker-errors.ts); the API maps codes to HTTP statuses and application/problem+json
 * (api/problem-catalogue.ts) — once each.
 */
export interface AppErrorOptions {
  /**
   * The code's own retryability (shared/error-codes.ts) unless said here: only for an instance that
   * differs from its code's usual case, such as a compare-and-set that lost every race (a conflict,
   * yet worth running again).
   */
  retryable?: boolean;
  cause?: unknown;
  /** Machine-readable details safe to show a client (never secrets). */
  details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    // isErrorCode: plain JavaScript (a script, an old build) can still pass a code the list lacks.
    this.retryable = options.retryable ?? (isErrorCode(code) && ERROR_CODES[code].retryable);
    this.details = options.details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
