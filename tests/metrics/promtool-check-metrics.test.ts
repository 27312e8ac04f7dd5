import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInto, observeInto } from '../../src/platform/fleet-counters.js';
import { createRedisConnection } from '../../src/platform/redis-connection.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Debian's promtool (package prometheus) lints an exposition read from stdin: names, help, units, suffixes. */
function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 15_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describe('/metrics as Prometheus sees it', () => {
  it('passes promtool check metrics with every kind of series present', async () => {
    const { redis, keys } = t.testRedis;
    const pipeline = redis.pipeline();
    countInto(pipeline, keys, 'vigil_polls_total', { outcome: 'ok' }, 3);
    countInto(pipeline, keys, 'vigil_traps_rejected_total', { reason: 'a "quoted"\\ reason\n' });
    countInto(pipeline, keys, 'vigil_webhook_deliveries_total', { result: 'dead' });
    observeInto(pipeline, keys, 'vigil_poll_duration_seconds', [0.3, 4]);
    await pipeline.exec();
    await redis.zadd(keys.devicesByStatus('up', keys.pollShardOf('cpe-1')), 0, 'cpe-1');

    const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth.noc })).body;
    // The default process metrics are there, next to the fleet's.
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).toMatch(/^nodejs_active_handles\{type="\w+"\} \d+$/m);
    expect(text).toMatch(/^vigil_redis_up 1$/m);
    expect(text).toMatch(/^vigil_traps_rejected_total\{reason="a \\"quoted\\"\\\\ reason\\n"\} 1$/m);
    // Every bucket, the empty ones too: histogram_quantile needs each le.
    expect(text).toMatch(/^vigil_poll_duration_seconds_bucket\{le="0.005"\} 0$/m);
    expect(text).toMatch(/^vigil_poll_duration_seconds_bucket\{le="0.5"\} 1$/m);
    const lint = promtoolCheckMetrics(text);
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });

  it('tells promtool apart from a bad exposition (the check can fail)', () => {
    const lint = promtoolCheckMetrics('# HELP vigil_bad Bad.\n# TYPE vigil_bad counter\nvigil_bad 1\n');
    expect(lint.output).toMatch(/counter metrics should have "_total" suffix/);
  });
});

describe('/metrics with Redis gone', () => {
  it('answers vigil_redis_up 0 with the process metrics, leaving the fleet series out', async () => {
    // Port 1 on loopback refuses connections; a command connection fails fast instead of queueing.
    const dead = createRedisConnection('redis://127.0.0.1:1', 'command', 'metrics-test-dead');
    dead.on('error', () => {});
    const down = await buildTestApp({ redis: dead });
    try {
      const response = await down.app.inject({ method: 'GET', url: '/metrics', headers: down.auth.noc });
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(/^vigil_redis_up 0$/m);
      expect(response.body).toMatch(/^process_cpu_seconds_total /m);
      expect(response.body).not.toMatch(/^vigil_polls_total/m);
      expect(promtoolCheckMetrics(response.body).status).toBe(0);
    } finally {
      await down.close();
      dead.disconnect();
    }
  });
});
