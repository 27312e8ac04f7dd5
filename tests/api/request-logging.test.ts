import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/api/request-log-serializer.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

describe('request logging', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      captureLogs: true,
      routes(app) {
        app.get('/v1/test/echo-headers', { config: { roles: ['noc'] } }, (request) => {
          // A careless handler logging the whole request must still not leak the key.
          request.log.info({ req: request, headers: request.headers }, 'handler saw request');
          return { ok: true };
        });
        app.get('/v1/test/boom', { config: { roles: ['noc'] } }, () => {
          throw new Error('internal detail for the server log only');
        });
      },
    });
  });
  afterAll(async () => t.close());

  it('never writes the Authorization header or a token, valid or not', async () => {
    const wrongToken = 'wrong-token-that-must-not-be-logged';
    await t.app.inject({ url: '/v1/test/echo-headers', headers: t.auth.noc });
    await t.app.inject({ url: '/v1/test/echo-headers', headers: { authorization: `Bearer ${wrongToken}` } });
    await t.app.inject({ url: `/v1/test/echo-headers?access_token=${t.tokens.admin}`, headers: t.auth.noc });
    await t.app.inject({ url: '/v1/test/echo-headers', headers: t.auth.agent });

    const output = t.logLines.join('');
    expect(output).toContain('handler saw request');
    expect(output).toContain('incoming request');
    for (const token of [...Object.values(t.tokens), wrongToken]) expect(output).not.toContain(token);
    expect(output).not.toMatch(/Bearer /i);
    expect(output).toContain('access_token=[redacted]');
  });

  it('logs each request with its request id, and a 500 with the error the client never sees', async () => {
    const response = await t.app.inject({ url: '/v1/test/boom', headers: t.auth.noc });
    expect(response.body).not.toContain('internal detail');
    const requestId = response.headers['x-request-id'];
    const failure = t.logLines
      .map((line) => JSON.parse(line) as { reqId?: string; msg?: string; err?: { message?: string } })
      .find((entry) => entry.msg === 'request failed' && entry.reqId === requestId);
    expect(failure?.err?.message).toBe('internal detail for the server log only');
  });
});

describe('redactUrl', () => {
  it('masks credential-looking query values and keeps the rest', () => {
    expect(redactUrl('/v1/conversations/c1/ws?token=abc&since=42')).toBe(
      '/v1/conversations/c1/ws?token=[redacted]&since=42',
    );
    expect(redactUrl('/v1/devices?kind=cpe&api%5Fkey=x')).toBe('/v1/devices?kind=cpe&api%5Fkey=[redacted]');
    expect(redactUrl('/v1/devices')).toBe('/v1/devices');
  });
});
