import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { sleep, until } from '../helpers/wait.js';

const opened: TestApp[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
});

async function app(): Promise<TestApp> {
  const t = await buildTestApp({
    config: {
      loadShedding: {
        maxEventLoopDelayMs: 5,
        maxEventLoopUtilization: 0,
        retryAfterSeconds: 3,
      },
    },
  });
  opened.push(t);
  return t;
}

/** Keeps this process's event loop late (50 ms of work each turn) until stopped: what a flood does to it. */
function lateLoop(): () => void {
  const timer = setInterval(() => {
    const end = performance.now() + 50;
    while (performance.now() < end);
  }, 1);
  return () => clearInterval(timer);
}

const open = (t: TestApp) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/conversations',
    headers: t.auth.agent,
    payload: { subscriberId: 'sub-none', channel: 'chat', agentId: 'agent-1' },
  });

describe('load shedding', () => {
  it('refuses new work with 503 problem+json and Retry-After while the loop is late; reads and health still answer', async () => {
    const t = await app();
    const stop = lateLoop();
    try {
      const refused = await until(
        async () => {
          const answer = await open(t);
          return answer.statusCode === 503 ? answer : undefined;
        },
        { what: 'a conversation open refused under load' },
      );
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.headers['retry-after']).toBe('3');
      expect(refused.json()).toMatchObject({ code: 'ERR_API_OVERLOADED', status: 503 });
      expect((await open(t)).statusCode).toBe(503);
      // Reads, health and readiness are never refused.
      expect(
        (await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc })).statusCode,
      ).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      stop();
    }
    // The loop on time again: opens are served (here a 404 for a subscriber nobody imported), and the refusals counted.
    const served = await until(
      async () => {
        const answer = await open(t);
        return answer.statusCode !== 503 ? answer : undefined;
      },
      { what: 'opens served again' },
    );
    expect(served.statusCode).toBe(404);
    await sleep(1_100);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth.noc });
    expect(metrics.body).toMatch(/^vigil_http_shed_total\{pressure="eventLoopDelay"\} [1-9]\d*$/m);
  });

  it('refuses a write past the number in flight at once, whatever the loop measures, and counts it down when one ends', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const t = await buildTestApp({
      config: { loadShedding: { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0, maxWritesInFlight: 1 } },
      routes: (scope) =>
        scope.post('/test/slow', { config: { roles: ['noc'] } }, async () => {
          await held;
          return { done: true };
        }),
    });
    opened.push(t);
    const first = t.app.inject({ method: 'POST', url: '/test/slow', headers: t.auth.noc });
    await sleep(200);
    const refused = await t.app.inject({ method: 'POST', url: '/test/slow', headers: t.auth.noc });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json()).toMatchObject({ code: 'ERR_API_OVERLOADED' });
    // Reads and health are not writes: served while the write is held.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/incidents', headers: t.auth.noc })).statusCode,
    ).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    release();
    expect((await first).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/test/slow', headers: t.auth.noc })).statusCode).toBe(
      200,
    );
  });
});
