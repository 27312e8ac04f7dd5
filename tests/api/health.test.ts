import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection } from '../../src/platform/redis-connection.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

describe('health endpoints', () => {
  let testApp: TestApp | undefined;
  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
  });

  it('answers /healthz without a key', async () => {
    testApp = await buildTestApp();
    const response = await testApp.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when Redis answers PING', async () => {
    testApp = await buildTestApp();
    const response = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ready' });
  });

  it('answers /readyz 503 problem+json when Redis is unreachable, while /healthz stays 200', async () => {
    // Port 1 on loopback refuses connections; a command connection fails fast instead of queueing.
    const deadRedis = createRedisConnection('redis://127.0.0.1:1', 'command', 'vigil-test-dead');
    deadRedis.on('error', () => {});
    try {
      testApp = await buildTestApp({ redis: deadRedis });
      const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(ready.headers['retry-after']).toBe('2');
      expect(ready.json()).toMatchObject({ status: 503, code: 'ERR_REDIS_UNAVAILABLE', instance: '/readyz' });

      const live = await testApp.app.inject({ method: 'GET', url: '/healthz' });
      expect(live.statusCode).toBe(200);
    } finally {
      deadRedis.disconnect();
    }
  });

  it('answers /readyz 503 while a queue connection a request uses is reconnecting, though PING answers', async () => {
    testApp = await buildTestApp();
    const producers = testApp.services.requestConnections();
    // The action queue's producer at least: an accept waits on it.
    expect(producers.map((connection) => connection.options.connectionName)).toContain('vigil-api-actions');
    const actions = producers.find((connection) => connection.options.connectionName === 'vigil-api-actions');
    if (!actions) throw new Error('no action queue connection');
    // Closed by hand, so it stays down until connected again: the window a reconnect leaves, held open.
    const ended = once(actions, 'end');
    actions.disconnect();
    await ended;
    const waiting = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    expect(waiting.statusCode).toBe(503);
    expect(waiting.json()).toMatchObject({
      code: 'ERR_REDIS_UNAVAILABLE',
      instance: '/readyz',
      detail: expect.stringMatching(/queue connections are reconnecting/) as unknown,
    });

    await actions.connect();
    const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });
});
