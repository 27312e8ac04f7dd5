import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ config: { rateLimitPerMinute: 5 } });
});
afterAll(async () => {
  await t.close();
});

describe('rate limit per API key', () => {
  it('answers 429 problem+json past the limit, with Retry-After, for that key only', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc })).statusCode,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.json()).toMatchObject({ code: 'ERR_RATE_LIMITED', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own budget.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: t.auth.admin })).statusCode,
    ).toBe(200);
  });
});
