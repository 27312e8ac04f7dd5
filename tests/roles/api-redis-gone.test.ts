import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startDrillRedis, type DrillRedis } from '../../src/drill/drill-redis.js';
import { createRedisConnection, waitForRedis } from '../../src/platform/redis-connection.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

/** What a promise did within `ms`: resolved, rejected, or still pending (a request would hang). */
async function within(promise: Promise<unknown>, ms: number): Promise<'resolved' | 'rejected' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  const settled = promise.then(
    () => 'resolved' as const,
    () => 'rejected' as const,
  );
  const outcome = await Promise.race([settled, hung]);
  clearTimeout(timer);
  return outcome;
}

/**
 * The API's steps after the first Redis write (an accept's enqueue after its compare-and-set, a probe
 * request's job) run on connections of their own: when Redis dies between the steps they must fail at
 * once — the request answers 503 — not wait for Redis to come back while the agent's request hangs.
 */
describe('the API when Redis goes away between a request’s steps', () => {
  let redis: DrillRedis | undefined;
  let test: TestApp | undefined;
  let command: Redis | undefined;
  afterEach(async () => {
    if (redis && !redis.running) await redis.restart();
    await test?.close();
    command?.disconnect();
    await redis?.close();
    [test, command, redis] = [undefined, undefined, undefined];
  });

  it('fails an enqueue and an on-demand probe within a second instead of hanging', async () => {
    redis = await startDrillRedis();
    command = createRedisConnection(redis.url, 'command', 'vigil-test');
    await waitForRedis(command);
    test = await buildTestApp({ redis: command, config: { redisUrl: redis.url } });
    const { actionQueue, probeNow } = test.services;
    await actionQueue.waitUntilReady();

    await redis.kill();

    expect(await within(actionQueue.add('remote_reboot', { actionId: 'a-1' }), 3_000)).toBe('rejected');
    expect(await within(probeNow('cpe-000001', 10_000), 3_000)).toBe('rejected');
  });

  it('closes its services while Redis is down, within the reader grace, instead of hanging', async () => {
    redis = await startDrillRedis();
    command = createRedisConnection(redis.url, 'command', 'vigil-test');
    await waitForRedis(command);
    const app = await buildTestApp({ redis: command, config: { redisUrl: redis.url } });
    await app.services.actionQueue.waitUntilReady();
    await redis.kill();
    // Let every connection see Redis gone and wait to reconnect (ioredis retries every 200 ms… 2 s).
    await sleep(1_500);

    // The event hub's blocked XREAD sits in a connection waiting to reconnect: disconnecting it leaves
    // the read pending for ever (ioredis), and the stop used to wait on it.
    expect(await within(app.services.close(), 6_000)).toBe('resolved');
    await redis.restart();
    await app.app.close();
    await app.testRedis.close();
  });
});
