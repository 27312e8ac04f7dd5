import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCallerLimits, parseTrustProxy } from '../../src/config/caller-limits.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildTestApp, type TestApp, type TestAppOptions } from '../helpers/build-test-app.js';

const opened: TestApp[] = [];
async function app(options: TestAppOptions): Promise<TestApp> {
  const t = await buildTestApp(options);
  opened.push(t);
  return t;
}
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
});

function expectLimited(answer: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(answer.statusCode).toBe(429);
  expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(answer.json()).toMatchObject({ code: 'ERR_RATE_LIMITED', status: 429 });
  expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
}

describe('rate limit per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ config: { rateLimitPerMinute: 5 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 problem+json past the limit, with Retry-After, for that key only', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc })).statusCode,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expectLimited(await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc }));
    // Another key has its own budget.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: t.auth.admin })).statusCode,
    ).toBe(200);
  });

  it('counts a key whose role is refused (403) against that key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await t.app.inject({ method: 'GET', url: '/v1/audit', headers: t.auth.agent })).statusCode,
      );
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
  });
});

describe('rate limit before authentication, per client address', () => {
  it('limits wrong and missing keys per address, and 429 replaces 401 past the budget', async () => {
    const t = await app({ config: { callerLimits: { failedAuthPerMinute: 3 } }, captureLogs: true });
    const wrong = { authorization: 'Bearer wrong-key-0123456789abcdef' };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: wrong })).statusCode);
    expect(statuses).toEqual([401, 401, 401]);
    expectLimited(await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: wrong }));
    // No key at all is the same budget: the address is over it.
    expectLimited(await t.app.inject({ method: 'POST', url: '/v1/conversations', payload: {} }));
    // Another address has its own budget.
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: '/v1/incidents',
      headers: wrong,
      remoteAddress: '192.0.2.7',
    });
    expect(elsewhere.statusCode).toBe(401);
    // A valid key from the limited address is still served: a neighbour's mistakes never refuse it.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc })).statusCode,
    ).toBe(200);
    // Counted for the NOC, by budget.
    await expect
      .poll(async () => (await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth.noc })).body, {
        timeout: 5_000,
      })
      .toMatch(/^vigil_http_rate_limited_total\{bucket="failed_auth"\} 2$/m);
    // The wrong token is named by its key id in logs, never in clear; the valid ones neither.
    const logs = t.logLines.join('\n');
    expect(logs).toContain('rate limited');
    for (const token of ['wrong-key-0123456789abcdef', ...Object.values(t.tokens)])
      expect(logs).not.toContain(token);
  });

  it('limits anonymous requests to public and unknown routes per address, apart from keyed ones', async () => {
    const t = await app({ config: { callerLimits: { anonymousPerMinute: 3 }, rateLimitPerMinute: 100 } });
    const statuses: number[] = [];
    for (const url of ['/docs/json', '/console/', '/no-such-route'])
      statuses.push((await t.app.inject({ method: 'GET', url })).statusCode);
    expect(statuses).toEqual([200, 200, 404]);
    expectLimited(await t.app.inject({ method: 'GET', url: '/docs/json' }));
    expect(
      (await t.app.inject({ method: 'GET', url: '/docs/json', remoteAddress: '192.0.2.8' })).statusCode,
    ).toBe(200);
    // Authenticated traffic from that address counts per key, not in the anonymous budget.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc })).statusCode,
    ).toBe(200);
  });

  it('never limits /healthz and /readyz', async () => {
    const t = await app({
      config: { callerLimits: { anonymousPerMinute: 1, failedAuthPerMinute: 1 }, rateLimitPerMinute: 1 },
    });
    // Use up every budget of this address first.
    await t.app.inject({ method: 'GET', url: '/docs/json' });
    await t.app.inject({ method: 'GET', url: '/docs/json' });
    await t.app.inject({ method: 'GET', url: '/v1/incidents' });
    await t.app.inject({ method: 'GET', url: '/v1/incidents' });
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) {
      statuses.add((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode);
      statuses.add((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode);
    }
    expect([...statuses]).toEqual([200]);
  });
});

describe('trustProxy', () => {
  const wrong = { authorization: 'Bearer wrong-key-0123456789abcdef' };
  const from = (t: TestApp, client: string) =>
    t.app.inject({
      method: 'GET',
      url: '/v1/incidents',
      headers: { ...wrong, 'x-forwarded-for': client },
      remoteAddress: '10.1.2.3',
    });

  it('behind a trusted proxy, limits each client by its forwarded address', async () => {
    const t = await app({
      config: { callerLimits: { failedAuthPerMinute: 2, trustProxy: ['10.0.0.0/8'] } },
    });
    expect((await from(t, '203.0.113.1')).statusCode).toBe(401);
    expect((await from(t, '203.0.113.1')).statusCode).toBe(401);
    expectLimited(await from(t, '203.0.113.1'));
    expect((await from(t, '203.0.113.2')).statusCode).toBe(401);
  });

  it('off by default: a forged X-Forwarded-For does not buy a fresh budget', async () => {
    const t = await app({ config: { callerLimits: { failedAuthPerMinute: 2 } } });
    expect((await from(t, '203.0.113.1')).statusCode).toBe(401);
    expect((await from(t, '203.0.113.2')).statusCode).toBe(401);
    expectLimited(await from(t, '203.0.113.3'));
  });

  it('takes a hop count', async () => {
    const t = await app({ config: { callerLimits: { failedAuthPerMinute: 1, trustProxy: 1 } } });
    expect((await from(t, '203.0.113.1')).statusCode).toBe(401);
    expect((await from(t, '203.0.113.2')).statusCode).toBe(401);
    expectLimited(await from(t, '203.0.113.2'));
  });
});

describe('caller limits from the environment', () => {
  it('reads VIGIL_TRUST_PROXY as fastify takes it: off, true, hops, addresses and CIDRs', () => {
    const problems: string[] = [];
    expect(parseTrustProxy(undefined, problems)).toBe(false);
    expect(parseTrustProxy('false', problems)).toBe(false);
    expect(parseTrustProxy('true', problems)).toBe(true);
    expect(parseTrustProxy('2', problems)).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,fd00::/8,loopback', problems)).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'fd00::/8',
      'loopback',
    ]);
    expect(problems).toEqual([]);
    parseTrustProxy('10.0.0.0/33,proxy.example', problems);
    parseTrustProxy('99', problems);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/VIGIL_TRUST_PROXY: .*"10\.0\.0\.0\/33", "proxy\.example"/);
  });

  it('has defaults, and lists every bad limit at once', () => {
    expect(loadConfig({}).callerLimits).toEqual({
      trustProxy: false,
      anonymousPerMinute: 600,
      failedAuthPerMinute: 60,
      conversationOpensPerKeyPerMinute: 6000,
      conversationOpensPerSubscriberPerMinute: 10,
      conversationReuseMs: 60_000,
    });
    const problems: string[] = [];
    parseCallerLimits(
      {
        VIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
        VIGIL_RATE_LIMIT_FAILED_AUTH_PER_MINUTE: 'many',
        VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE: '1.5',
        VIGIL_CONVERSATION_REUSE_SECONDS: '-1',
      },
      problems,
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'VIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE',
      'VIGIL_RATE_LIMIT_FAILED_AUTH_PER_MINUTE',
      'VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE',
      'VIGIL_CONVERSATION_REUSE_SECONDS',
    ]);
  });
});
