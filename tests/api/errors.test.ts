import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/app-error.js';
import type { ErrorCode } from '../../src/shared/error-codes.js';
import type { Problem } from '../../src/api/problem.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

const SECRET_INTERNAL = 'connect to 10.9.8.7:6379 failed for key vigil:internal:thing';

describe('errors as application/problem+json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      routes(app) {
        const roles = ['noc'] as const;
        app.post(
          '/v1/test/devices',
          {
            config: { roles },
            schema: {
              body: {
                type: 'object',
                required: ['id', 'kind'],
                additionalProperties: false,
                properties: {
                  id: { type: 'string' },
                  kind: { enum: ['cpe', 'access_node', 'base_station'] },
                },
              },
            },
          },
          () => ({ ok: true }),
        );
        app.get('/v1/test/missing-device', { config: { roles } }, () => {
          throw new AppError('ERR_DEVICE_NOT_FOUND', 'No device "cpe-00042".');
        });
        app.get('/v1/test/bad-inventory', { config: { roles } }, () => {
          throw new AppError('ERR_INVENTORY_INVALID', 'The inventory has 2 errors.', {
            details: [
              { path: 'devices[3].parentId', message: 'unknown device "bs-9"', line: 5 },
              { path: 'subscribers[0].phone', message: 'not a phone number', secret: { nested: 'dropped' } },
            ],
          });
        });
        app.get('/v1/test/boom', { config: { roles } }, () => {
          throw new Error(SECRET_INTERNAL);
        });
        app.get('/v1/test/unmapped-code', { config: { roles } }, () => {
          // Not in the list of codes: plain JavaScript, or an old build, can still throw one.
          throw new AppError('ERR_PLANNER_EXPLODED' as ErrorCode, SECRET_INTERNAL);
        });
        app.get('/v1/test/redis-down', { config: { roles } }, () => {
          throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
        });
      },
    });
  });
  afterAll(async () => t.close());

  it('answers a garbage JSON body with 400 and a clear problem', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/test/devices',
      headers: { ...t.auth.noc, 'content-type': 'application/json' },
      payload: '{"id": "cpe-1", kind: cpe',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      type: 'urn:vigil:problem:ERR_REQUEST_MALFORMED',
      status: 400,
      code: 'ERR_REQUEST_MALFORMED',
      instance: '/v1/test/devices',
    });
    expect(response.json<Problem>().detail).toMatch(/not valid JSON/);
  });

  it('lists every invalid field of a body that fails its schema', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/test/devices',
      headers: t.auth.noc,
      payload: { kind: 'toaster' },
    });
    expect(response.statusCode).toBe(400);
    const problem = response.json<Problem>();
    expect(problem.code).toBe('ERR_REQUEST_INVALID');
    // Both problems at once (Ajv allErrors), each with where and what.
    expect(problem.errors?.map(({ in: where, path }) => `${where}:${path}`).sort()).toEqual([
      'body:/id',
      'body:/kind',
    ]);
    expect(problem.errors?.find((error) => error.path === '/id')?.message).toContain('id');
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/nothing-here?token=abc',
      headers: t.auth.noc,
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'ERR_ROUTE_NOT_FOUND', instance: '/v1/nothing-here' });
    expect(response.body).not.toContain('abc');
  });

  it('maps an AppError code to its status, with its message as the detail', async () => {
    const response = await t.app.inject({ url: '/v1/test/missing-device', headers: t.auth.noc });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'ERR_DEVICE_NOT_FOUND', detail: 'No device "cpe-00042".' });
  });

  it('turns AppError details into an errors list of plain fields', async () => {
    const response = await t.app.inject({ url: '/v1/test/bad-inventory', headers: t.auth.noc });
    expect(response.statusCode).toBe(422);
    expect(response.json<Problem>().errors).toEqual([
      { path: 'devices[3].parentId', message: 'unknown device "bs-9"', line: 5 },
      { path: 'subscribers[0].phone', message: 'not a phone number' },
    ]);
  });

  it('answers an unexpected error with 500 and a generic detail, never its message', async () => {
    for (const url of ['/v1/test/boom', '/v1/test/unmapped-code']) {
      const response = await t.app.inject({ url, headers: t.auth.noc });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({ status: 500, code: 'ERR_INTERNAL' });
      expect(response.body).not.toContain('10.9.8.7');
      expect(response.body).not.toContain('ERR_PLANNER_EXPLODED');
      expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('answers 503 with Retry-After when a Redis command cannot be sent', async () => {
    const response = await t.app.inject({ url: '/v1/test/redis-down', headers: t.auth.noc });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE' });
  });

  it('answers an unsupported media type with 415', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/test/devices',
      headers: { ...t.auth.noc, 'content-type': 'application/xml' },
      payload: '<device/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'ERR_REQUEST_MEDIA_TYPE' });
  });

  it('answers a body over the default 1 MiB limit with 413', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/test/devices',
      headers: { ...t.auth.noc, 'content-type': 'application/json' },
      payload: JSON.stringify({ id: 'x'.repeat(1024 * 1024), kind: 'cpe' }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'ERR_REQUEST_TOO_LARGE' });
  });

  it('rejects an anonymous upload before reading its body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/test/devices',
      headers: { 'content-type': 'application/json' },
      payload: '{ not json',
    });
    expect(response.statusCode).toBe(401);
  });
});
