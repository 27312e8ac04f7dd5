import { DEFAULT_ACTIONS_CONFIG } from '../../src/config/load-config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/build-app.js';
import { keyIdOf } from '../../src/api/api-key-verifier.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Problem } from '../../src/api/problem.js';
import { buildTestApp, buildTestServices, type TestApp } from '../helpers/build-test-app.js';
import { createTestRedis, TEST_REDIS_URL } from '../helpers/test-redis.js';
import { DEFAULT_CORRELATION_CONFIG } from '../../src/correlation/index.js';

describe('bearer API keys with roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      routes(app) {
        app.get('/v1/test/conversations', { config: { roles: ['agent'] } }, (request) => ({
          principal: request.principal,
        }));
        app.get('/v1/test/devices', { config: { roles: ['noc', 'admin'] } }, () => ({ ok: true }));
        app.get('/v1/test/undeclared', () => ({ ok: true }));
        app.get('/v1/test/public', { config: { public: true } }, (request) => ({
          principal: request.principal,
        }));
      },
    });
  });
  afterAll(async () => t.close());

  it('answers 401 with a Bearer challenge when no key is sent', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/test/devices' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="vigil"');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, code: 'ERR_AUTH_MISSING' });
  });

  it('answers 401 invalid_token for an unknown key and for another scheme', async () => {
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/v1/test/devices',
      headers: { authorization: 'Bearer not-a-key-of-this-app-at-all' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(unknown.json()).toMatchObject({ code: 'ERR_AUTH_INVALID' });

    const basic = await t.app.inject({
      method: 'GET',
      url: '/v1/test/devices',
      headers: { authorization: `Basic ${Buffer.from(`noc:${t.tokens.noc}`).toString('base64')}` },
    });
    expect(basic.statusCode).toBe(401);
  });

  it('answers 403 when the key has a role the route does not admit', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/test/devices', headers: t.auth.agent });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ status: 403, code: 'ERR_AUTH_FORBIDDEN' });
    expect(response.json<Problem>().detail).toContain(keyIdOf(t.tokens.agent));
  });

  it('admits every role a route lists, and only those (roles are not a hierarchy)', async () => {
    expect((await t.app.inject({ url: '/v1/test/devices', headers: t.auth.noc })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/v1/test/devices', headers: t.auth.admin })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/v1/test/conversations', headers: t.auth.agent })).statusCode).toBe(
      200,
    );
    expect((await t.app.inject({ url: '/v1/test/conversations', headers: t.auth.admin })).statusCode).toBe(
      403,
    );
  });

  it('makes a route that declares no roles admin-only', async () => {
    expect((await t.app.inject({ url: '/v1/test/undeclared', headers: t.auth.noc })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/test/undeclared', headers: t.auth.admin })).statusCode).toBe(200);
  });

  it('puts the role and a key id on the request, never the token', async () => {
    const response = await t.app.inject({
      url: '/v1/test/conversations',
      headers: { authorization: `bearer ${t.tokens.agent}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ principal: { role: 'agent', keyId: keyIdOf(t.tokens.agent) } });
    expect(keyIdOf(t.tokens.agent)).toMatch(/^[0-9a-f]{8}$/);
    expect(response.body).not.toContain(t.tokens.agent);
  });

  it('lets anyone reach a public route, with no principal', async () => {
    const response = await t.app.inject({ url: '/v1/test/public' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ principal: null });
  });
});

describe('access declarations', () => {
  it('refuse a route with an unknown role, or both public and roles, when it is registered', async () => {
    const testRedis = await createTestRedis();
    const deps = {
      config: {
        redisUrl: TEST_REDIS_URL,
        redisPrefix: 'x',
        host: '',
        port: 0,
        logLevel: 'silent',
        apiKeys: [],
        authProfiles: new Map(),
        probesDir: 'probes',
        pollShards: 8,
        trapHost: '127.0.0.1',
        trapPort: 0,
        playbooksDir: 'playbooks',
        correlation: DEFAULT_CORRELATION_CONFIG,
        actions: DEFAULT_ACTIONS_CONFIG,
      },
      logger: createLogger({ level: 'silent' }),
      redis: testRedis.redis,
      keys: testRedis.keys,
    };
    const services = await buildTestServices(deps);
    const app = buildApp({ ...deps, services });
    expect(() =>
      // @ts-expect-error -- 'operator' is not a role; the type system and the boot check both say so.
      app.get('/v1/test/typo', { config: { roles: ['operator'] } }, () => ({})),
    ).toThrow(/route GET \/v1\/test\/typo: unknown roles operator/);
    expect(() => app.get('/v1/test/both', { config: { public: true, roles: ['noc'] } }, () => ({}))).toThrow(
      /a public route takes no roles/,
    );
    await app.close();
    await services.close();
    await testRedis.close();
  });
});
