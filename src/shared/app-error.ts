/**
 * Our own errors carry a code (ERR_<DOMAIN>_<WHAT>), a retry decision and a cause.
 * The worker boundary maps `retryable: false` to BullMQ's UnrecoverableError; the API maps codes to
 * HTTP statuses and application/problem+json — once each, in src/api/problem.ts.
 */
export interface AppErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** Machine-readable details safe to show a client (never secrets). */
  details?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
