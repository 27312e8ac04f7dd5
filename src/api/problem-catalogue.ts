import type { AppError } from '../shared/app-error.js';
import type { ErrorCode } from '../shared/error-codes.js';
import { statusTitle } from './problem.js';

/**
 * The one place an error code (shared/error-codes.ts lists them) becomes an HTTP status and a title
 * (house style 3: codes map to statuses once).
 * Exact codes first; then the code's last word, so a new `ERR_<DOMAIN>_NOT_FOUND` needs no entry here;
 * then the retry decision. Anything unknown is a 500: a code nobody mapped is our bug, not the client's.
 */
export interface CatalogueEntry {
  status: number;
  title: string;
}

/** Codes the HTTP shell itself raises, for requests that never reach a domain route. */
export const HTTP_CODES = {
  authMissing: 'ERR_AUTH_MISSING',
  authInvalid: 'ERR_AUTH_INVALID',
  authForbidden: 'ERR_AUTH_FORBIDDEN',
  requestInvalid: 'ERR_REQUEST_INVALID',
  requestMalformed: 'ERR_REQUEST_MALFORMED',
  requestTooLarge: 'ERR_REQUEST_TOO_LARGE',
  requestMediaType: 'ERR_REQUEST_MEDIA_TYPE',
  requestRejected: 'ERR_REQUEST_REJECTED',
  routeNotFound: 'ERR_ROUTE_NOT_FOUND',
  redisUnavailable: 'ERR_REDIS_UNAVAILABLE',
  redisFull: 'ERR_REDIS_FULL',
  overloaded: 'ERR_API_OVERLOADED',
  internal: 'ERR_INTERNAL',
} as const satisfies Record<string, ErrorCode>;

const EXACT: Partial<Record<ErrorCode, CatalogueEntry>> = {
  [HTTP_CODES.authMissing]: { status: 401, title: 'Authentication required' },
  [HTTP_CODES.authInvalid]: { status: 401, title: 'Invalid API key' },
  [HTTP_CODES.authForbidden]: { status: 403, title: 'Role not allowed' },
  [HTTP_CODES.requestInvalid]: { status: 400, title: 'Invalid request' },
  [HTTP_CODES.requestMalformed]: { status: 400, title: 'Malformed request body' },
  [HTTP_CODES.requestTooLarge]: { status: 413, title: 'Request body too large' },
  [HTTP_CODES.requestMediaType]: { status: 415, title: 'Unsupported media type' },
  [HTTP_CODES.routeNotFound]: { status: 404, title: 'Route not found' },
  [HTTP_CODES.redisUnavailable]: { status: 503, title: 'Redis unavailable' },
  [HTTP_CODES.redisFull]: { status: 503, title: 'Redis full' },
  [HTTP_CODES.overloaded]: { status: 503, title: 'Overloaded' },
  [HTTP_CODES.internal]: { status: 500, title: 'Internal error' },
  ERR_INVENTORY_INVALID: { status: 422, title: 'Invalid inventory' },
  ERR_INVENTORY_LOCKED: { status: 409, title: 'Inventory import in progress' },
  ERR_INVENTORY_PRECONDITION_FAILED: { status: 412, title: 'Inventory changed' },
  ERR_INVENTORY_REMOVALS: { status: 409, title: 'Import would remove too much of the inventory' },
  ERR_RATE_LIMITED: { status: 429, title: 'Too many requests' },
};

/** By the code's last word(s); the first match wins, so longer suffixes come first. */
const SUFFIXES: ReadonlyArray<readonly [suffix: string, status: number]> = [
  ['_NOT_FOUND', 404],
  // A bad query string is a malformed request (400); a bad body that parsed is unprocessable (422).
  ['_QUERY_INVALID', 400],
  ['_CONFLICT', 409],
  ['_STALE', 409],
  ['_LOCKED', 409],
  ['_INVALID', 422],
  ['_FORBIDDEN', 403],
  ['_TOO_LARGE', 413],
  ['_UNAVAILABLE', 503],
];

export function catalogueEntry(code: string, retryable = false): CatalogueEntry {
  const exact = EXACT[code as ErrorCode];
  if (exact) return exact;
  const bySuffix = SUFFIXES.find(([suffix]) => code.endsWith(suffix));
  if (bySuffix) return { status: bySuffix[1], title: statusTitle(bySuffix[1]) };
  if (code.startsWith('ERR_AUTH_')) return { status: 401, title: statusTitle(401) };
  // A retryable failure is by definition "try again later": RFC 9110 section 15.6.4.
  if (retryable) return { status: 503, title: statusTitle(503) };
  return { status: 500, title: statusTitle(500) };
}

export function catalogueEntryFor(error: AppError): CatalogueEntry {
  return catalogueEntry(error.code, error.retryable);
}
