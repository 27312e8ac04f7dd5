import { describe, expect, it } from 'vitest';
import { catalogueEntry } from '../../src/api/problem-catalogue.js';
import { fieldErrorsFrom, MAX_FIELD_ERRORS, problemFromError } from '../../src/api/problem-from-error.js';
import { AppError } from '../../src/shared/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../../src/shared/error-codes.js';

describe('catalogueEntry', () => {
  it.each([
    ['ERR_DEVICE_NOT_FOUND', 404],
    ['ERR_SUGGESTION_CONFLICT', 409],
    ['ERR_SUGGESTION_STALE', 409],
    ['ERR_INVENTORY_LOCKED', 409],
    ['ERR_INVENTORY_INVALID', 422],
    ['ERR_INVENTORY_QUERY_INVALID', 400],
    ['ERR_AUTH_MISSING', 401],
    ['ERR_AUTH_EXPIRED', 401],
    ['ERR_AUTH_FORBIDDEN', 403],
    ['ERR_REDIS_UNAVAILABLE', 503],
    ['ERR_REDIS_FULL', 503],
    ['ERR_PLANNER_SURPRISED', 500],
  ])('maps %s to %i', (code, status) => {
    expect(catalogueEntry(code).status).toBe(status);
  });

  it('gives every listed code a status of its own, but those no API route answers with', () => {
    const unanswered: ErrorCode[] = [
      'ERR_INTERNAL', // is the 500
      'ERR_REQUEST_REJECTED', // takes the status of the Fastify error it stands for
      'ERR_SIM_START', // the simulator's control API answers it
      'ERR_FIELD_SERVICE_REJECTED', // a technician dispatch's outcome, in the actions worker
    ];
    const unmapped = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(
      (code) => catalogueEntry(code, ERROR_CODES[code].retryable).status === 500,
    );
    expect(unmapped.sort()).toEqual([...unanswered].sort());
  });

  it('maps an unknown code to 503 when it is retryable, 500 when not', () => {
    expect(catalogueEntry('ERR_WEBHOOK_DELIVERY', true).status).toBe(503);
    expect(catalogueEntry('ERR_WEBHOOK_DELIVERY', false).status).toBe(500);
  });
});

describe('fieldErrorsFrom', () => {
  it("reads the inventory's { location, reason } and plain strings into { path, message }", () => {
    expect(
      fieldErrorsFrom([
        { location: 'devices.csv:14', reason: 'parentId "bs-9" names no device in the inventory' },
        'kind: unknown fault "melt"',
        42,
      ]),
    ).toEqual([
      { path: 'devices.csv:14', message: 'parentId "bs-9" names no device in the inventory' },
      { path: '', message: 'kind: unknown fault "melt"' },
    ]);
  });

  it('caps a huge list so a problem body stays readable', () => {
    const many = Array.from({ length: 5_000 }, (_, index) => ({ path: `devices[${index}]`, message: 'bad' }));
    expect(fieldErrorsFrom({ errors: many })).toHaveLength(MAX_FIELD_ERRORS);
  });
});

describe('AppError retryability', () => {
  it('comes from its code unless the throw site says otherwise', () => {
    expect(new AppError('ERR_INVENTORY_LOCKED', 'locked').retryable).toBe(true);
    expect(new AppError('ERR_DEVICE_NOT_FOUND', 'gone').retryable).toBe(false);
    expect(new AppError('ERR_SUGGESTION_CONFLICT', 'raced', { retryable: true }).retryable).toBe(true);
    expect(new AppError('ERR_NOT_LISTED' as ErrorCode, 'from plain JavaScript').retryable).toBe(false);
  });
});

describe('problemFromError', () => {
  it('maps a retryable domain error by its code first, showing its own code', () => {
    const problem = problemFromError(
      new AppError('ERR_INVENTORY_LOCKED', 'another inventory import is running', { retryable: true }),
      '/v1/inventory',
    );
    expect(problem).toMatchObject({ status: 409, code: 'ERR_INVENTORY_LOCKED', instance: '/v1/inventory' });
  });

  it('never shows the message of an error that is not ours', () => {
    const problem = problemFromError(
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      '/v1/x',
    );
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('reading');
  });

  it('honours a 4xx status on a foreign error but not its message', () => {
    const problem = problemFromError(
      Object.assign(new Error('upstream said: 10.0.0.9 refused'), { statusCode: 404 }),
      '/v1/x',
    );
    expect(problem.status).toBe(404);
    expect(problem.detail).not.toContain('10.0.0.9');
  });

  it.each([
    ["OOM command not allowed when used memory > 'maxmemory'."],
    ["OOM command not allowed when used memory > 'maxmemory'. script: 4f1b…, on @user_script:12."],
  ])('answers a write Redis refused at maxmemory with 503 ERR_REDIS_FULL, not 500: %s', (message) => {
    // ioredis rejects with a ReplyError carrying Redis's text; the Redis-full drill met these as 500s.
    const problem = problemFromError(Object.assign(new Error(message), { name: 'ReplyError' }), '/v1/x');
    expect(problem).toMatchObject({ status: 503, code: 'ERR_REDIS_FULL' });
    expect(problem.detail).toContain('nothing was stored');
  });
});
