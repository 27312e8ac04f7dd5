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
});
