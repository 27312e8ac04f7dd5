/**
 * Every code an AppError may carry (`ERR_<DOMAIN>_<WHAT>`), and whether the operation that failed with
 * it may succeed if simply run again: the one place retryability is decided per code. The worker
 * boundary (platform/worker-errors.ts) fails a job at once on a code that is not retryable; the API's
 * problem catalogue (api/problem-catalogue.ts) gives each code its HTTP status and title.
 *
 * Retryable codes name a passing state of the world (a lock held, a service down, a rate limit);
 * the rest name the request itself (invalid, not found, forbidden, in conflict with what is stored),
 * which the same request would meet again.
 */
export const ERROR_CODES = {
  ERR_ACTION_NOT_FOUND: { retryable: false },
  // The API instance is shedding load (its event loop late or busy): the same request succeeds later.
  ERR_API_OVERLOADED: { retryable: true },
  ERR_AUTH_FORBIDDEN: { retryable: false },
  ERR_AUTH_INVALID: { retryable: false },
  ERR_AUTH_MISSING: { retryable: false },
  ERR_CONVERSATION_CONFLICT: { retryable: false },
  ERR_CONVERSATION_INVALID: { retryable: false },
  ERR_CONVERSATION_NOT_FOUND: { retryable: false },
  ERR_DEAD_LETTER_CONFLICT: { retryable: false },
  ERR_DEAD_LETTER_NOT_FOUND: { retryable: false },
  ERR_DEVICE_NOT_FOUND: { retryable: false },
  // An embed token used outside its scope (another subscriber, another route): the same request fails again.
  ERR_EMBED_FORBIDDEN: { retryable: false },
  ERR_EMBED_TOKEN_NOT_FOUND: { retryable: false },
  // A 2xx without a ticket id: the field service misspoke; the same request, keyed by the action id
  // (Idempotency-Key), may well get its ticket next time.
  ERR_FIELD_SERVICE_INVALID: { retryable: true },
  ERR_FIELD_SERVICE_REJECTED: { retryable: false },
  ERR_FIELD_SERVICE_UNAVAILABLE: { retryable: true },
  ERR_HISTORY_QUERY_INVALID: { retryable: false },
  ERR_INCIDENT_CONFLICT: { retryable: false },
  ERR_INCIDENT_LOCKED: { retryable: true },
  ERR_INCIDENT_NOT_FOUND: { retryable: false },
  ERR_INCIDENT_QUERY_INVALID: { retryable: false },
  ERR_INTERNAL: { retryable: false },
  ERR_INVENTORY_INVALID: { retryable: false },
  ERR_INVENTORY_LOCKED: { retryable: true },
  // If-Match / If-None-Match did not hold: the inventory changed since the caller read its ETag.
  ERR_INVENTORY_PRECONDITION_FAILED: { retryable: false },
  ERR_INVENTORY_QUERY_INVALID: { retryable: false },
  ERR_INVENTORY_REMOVALS: { retryable: false },
  ERR_KEY_CONFLICT: { retryable: false },
  ERR_KEY_NOT_FOUND: { retryable: false },
  ERR_MAINTENANCE_INVALID: { retryable: false },
  ERR_MAINTENANCE_NOT_FOUND: { retryable: false },
  ERR_POLLER_UNAVAILABLE: { retryable: true },
  ERR_RATE_LIMITED: { retryable: true },
  ERR_REBOOT_CONFLICT: { retryable: false },
  // Redis at maxmemory (noeviction): writes are refused until memory frees; reads still answer.
  ERR_REDIS_FULL: { retryable: true },
  ERR_REDIS_UNAVAILABLE: { retryable: true },
  ERR_RELOAD_INVALID: { retryable: false },
  ERR_REPORT_QUERY_INVALID: { retryable: false },
  ERR_REQUEST_INVALID: { retryable: false },
  ERR_REQUEST_MALFORMED: { retryable: false },
  ERR_REQUEST_MEDIA_TYPE: { retryable: false },
  ERR_REQUEST_REJECTED: { retryable: false },
  ERR_REQUEST_TOO_LARGE: { retryable: false },
  ERR_ROUTE_NOT_FOUND: { retryable: false },
  ERR_SIM_DEVICE_NOT_FOUND: { retryable: false },
  ERR_SIM_FAULT_INVALID: { retryable: false },
  ERR_SIM_SCENARIO_INVALID: { retryable: false },
  ERR_SIM_START: { retryable: false },
  ERR_SUBSCRIBER_CONFLICT: { retryable: false },
  ERR_SUBSCRIBER_NOT_FOUND: { retryable: false },
  ERR_SUGGESTION_CONFLICT: { retryable: false },
  ERR_SUGGESTION_NOT_FOUND: { retryable: false },
  ERR_WEBHOOK_FORBIDDEN: { retryable: false },
  ERR_WEBHOOK_INVALID: { retryable: false },
  ERR_WEBHOOK_NOT_FOUND: { retryable: false },
} as const satisfies Record<`ERR_${string}`, { retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
