import { isAppError } from '../shared/app-error.js';
import { catalogueEntry, catalogueEntryFor, HTTP_CODES } from './problem-catalogue.js';
import { problemType, statusTitle, type Problem, type ProblemFieldError } from './problem.js';
import { isRedisUnavailable } from './is-redis-unavailable.js';
import { isRedisFull } from '../platform/is-redis-full.js';

/** Never the internal message: it may name hosts, keys or library internals. The log has the rest. */
export const GENERIC_DETAIL = 'An internal error occurred; the request id identifies it in the server logs.';

/** A huge inventory can fail on every line; a problem body stays small enough to read. */
export const MAX_FIELD_ERRORS = 200;

interface FastifyValidationItem {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/** Fastify's own 4xx errors, by code, to ours; their messages are written for clients. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: HTTP_CODES.requestMalformed,
  FST_ERR_CTP_EMPTY_JSON_BODY: HTTP_CODES.requestMalformed,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: HTTP_CODES.requestMalformed,
  FST_ERR_CTP_BODY_TOO_LARGE: HTTP_CODES.requestTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: HTTP_CODES.requestMediaType,
  FST_ERR_CTP_INVALID_TYPE: HTTP_CODES.requestMediaType,
  FST_ERR_NOT_FOUND: HTTP_CODES.routeNotFound,
};

/**
 * Turns anything a route, hook or parser threw into the problem the client sees. Pure: the caller
 * logs and sends. Only our coded errors and Fastify's own 4xx errors say what happened; everything
 * else is a 500 with a generic detail.
 */
export function problemFromError(error: unknown, instance: string): Problem {
  if (isAppError(error)) {
    const { status, title } = catalogueEntryFor(error);
    // A code that maps to 500 is one nobody mapped: its name and message are internal too.
    if (status >= 500 && status !== 503) return coded(HTTP_CODES.internal, GENERIC_DETAIL, instance);
    const errors = fieldErrorsFrom(error.details);
    return {
      type: problemType(error.code),
      title,
      status,
      detail: error.message,
      instance,
      code: error.code,
      ...(errors ? { errors } : {}),
    };
  }
  if (isRedisFull(error)) {
    return coded(
      HTTP_CODES.redisFull,
      'Redis is full (maxmemory): nothing was stored; writes are refused until memory frees, retry shortly.',
      instance,
    );
  }
  if (isRedisUnavailable(error)) {
    return coded(HTTP_CODES.redisUnavailable, 'Redis is unavailable; retry shortly.', instance);
  }
  const validation = validationErrors(error);
  if (validation) {
    const detail = `The request has ${validation.length} invalid ${validation.length === 1 ? 'field' : 'fields'}.`;
    return { ...coded(HTTP_CODES.requestInvalid, detail, instance), errors: validation };
  }
  const fastify = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const status = fastify.statusCode;
    const fstCode =
      typeof fastify.code === 'string' && fastify.code.startsWith('FST_') ? fastify.code : undefined;
    const code =
      (fstCode && FASTIFY_CODES[fstCode]) ??
      (status === 400 ? HTTP_CODES.requestMalformed : HTTP_CODES.requestRejected);
    const detail = fstCode && typeof fastify.message === 'string' ? fastify.message : statusTitle(status);
    const entry = catalogueEntry(code);
    return {
      type: problemType(code),
      title: entry.status === status ? entry.title : statusTitle(status),
      status,
      detail,
      instance,
      code,
    };
  }
  return coded(HTTP_CODES.internal, GENERIC_DETAIL, instance);
}

function coded(code: string, detail: string, instance: string): Problem {
  const { status, title } = catalogueEntry(code);
  return { type: problemType(code), title, status, detail, instance, code };
}

/** Fastify's schema validation error: `validation` holds Ajv's items, `validationContext` where. */
function validationErrors(error: unknown): ProblemFieldError[] | undefined {
  const { validation, validationContext } = error as { validation?: unknown; validationContext?: unknown };
  if (!Array.isArray(validation)) return undefined;
  const where = typeof validationContext === 'string' ? validationContext : 'body';
  return (validation as FastifyValidationItem[]).slice(0, MAX_FIELD_ERRORS).map((item) => {
    // Ajv reports a missing or extra property on its parent; point at the property itself.
    const property = item.params?.missingProperty ?? item.params?.additionalProperty;
    const path = `${item.instancePath ?? ''}${property === undefined ? '' : `/${property}`}`;
    return { in: where, path: path === '' ? '/' : path, message: item.message ?? 'is invalid' };
  });
}

/** Domains name the two parts differently (inventory: `location`/`reason`); clients get one shape. */
const PATH_FIELDS = ['path', 'location'] as const;
const MESSAGE_FIELDS = ['message', 'reason'] as const;

/**
 * AppError `details` are declared safe for clients; a list of `{ path, message, ... }` (or
 * `{ location, reason }`, or plain strings, or `{ errors: [...] }`) becomes the problem's `errors`
 * as `{ path, message }`, keeping other plain fields such as `line`.
 */
export function fieldErrorsFrom(details: unknown): ProblemFieldError[] | undefined {
  const list = Array.isArray(details) ? details : (details as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(list)) return undefined;
  const errors: ProblemFieldError[] = [];
  for (const item of list.slice(0, MAX_FIELD_ERRORS)) {
    if (typeof item === 'string') {
      errors.push({ path: '', message: item });
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    const fields = item as Record<string, unknown>;
    const message = firstString(fields, MESSAGE_FIELDS);
    if (message === undefined) continue;
    const error: ProblemFieldError = { path: firstString(fields, PATH_FIELDS) ?? '', message };
    for (const [key, value] of Object.entries(fields)) {
      if (
        (PATH_FIELDS as readonly string[]).includes(key) ||
        (MESSAGE_FIELDS as readonly string[]).includes(key)
      )
        continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        error[key] = value;
    }
    errors.push(error);
  }
  return errors.length > 0 ? errors : undefined;
}

function firstString(fields: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
