import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInto, observeInto } from '../../src/platform/fleet-counters.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { zaddInShards } from '../helpers/poll-shard-sets.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('GET /metrics', () => {
  it('prints the fleet counters every process adds to, and gauges read at scrape time', async () => {
    const { redis, keys } = t.testRedis;
    const pipeline = redis.pipeline();
    countInto(pipeline, keys, 'vigil_polls_total', { outcome: 'ok' }, 3);
    countInto(pipeline, keys, 'vigil_polls_total', { outcome: 'timeout' });
    observeInto(pipeline, keys, 'vigil_poll_duration_seconds', [0.004, 0.02, 3]);
    await pipeline.exec();
    await zaddInShards(redis, keys, (s) => keys.devicesByStatus('up', s), [
      [0, 'cpe-1'],
      [0, 'cpe-2'],
    ]);
    await zaddInShards(redis, keys, (s) => keys.devicesByStatus('down', s), [[0, 'cpe-3']]);
    await zaddInShards(redis, keys, (s) => keys.devicesByFinding('unreachable', s), [[0, 'cpe-3']]);
    await redis.zadd(keys.pollDue(0), Date.now() - 5_000, 'cpe-9');

    const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth.noc });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    const text = response.body;
    expect(text).toContain('# TYPE vigil_polls_total counter');
    expect(text).toMatch(/^vigil_polls_total\{outcome="ok"\} 3$/m);
    expect(text).toMatch(/^vigil_polls_total\{outcome="timeout"\} 1$/m);
    expect(text).toMatch(/^vigil_poll_duration_seconds_bucket\{le="0.005"\} 1$/m);
    expect(text).toMatch(/^vigil_poll_duration_seconds_bucket\{le="\+Inf"\} 3$/m);
    expect(text).toMatch(/^vigil_poll_duration_seconds_count 3$/m);
    expect(text).toMatch(/^vigil_devices\{status="up"\} 2$/m);
    expect(text).toMatch(/^vigil_devices\{status="down"\} 1$/m);
    expect(text).toMatch(/^vigil_findings_open\{kind="unreachable"\} 1$/m);
    expect(Number(/^vigil_poll_schedule_lag_seconds (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(5);
    expect(text).toMatch(/^vigil_queue_jobs\{queue="actions",state="waiting"\} 0$/m);
    expect(text).toMatch(/^vigil_suggestions_total 0$/m);
    expect(Number(/^vigil_api_resident_memory_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(1_000_000);
    expect(text).toContain('# TYPE vigil_log_lines_dropped_total counter');
    expect(text).toMatch(/^vigil_log_lines_dropped_total 0$/m);
    // Every sample line is `name{labels} value` with a numeric value: what a Prometheus parser needs
    // (prom-client writes an event-loop mean not yet measured as "Nan", which Prometheus parses).
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#')))
      expect(line).toMatch(/^[a-z0-9_]+(\{[^}]*\})? (-?[\d.e+-]+|Nan|[+-]Inf)$/);
  });

  it('counts a device never polled as unknown, so the statuses add up to the inventory', async () => {
    const { redis, keys } = t.testRedis;
    // Five devices in the inventory; the pollers have seen three (up, up, down), two never.
    const records = keys.inventoryPart('device-records');
    for (const id of ['cpe-1', 'cpe-2', 'cpe-3', 'cpe-4', 'cpe-5'])
      await redis.hset(records, id, JSON.stringify({ id, kind: 'cpe' }));
    await zaddInShards(redis, keys, (s) => keys.devicesByStatus('up', s), [
      [0, 'cpe-1'],
      [0, 'cpe-2'],
    ]);
    await zaddInShards(redis, keys, (s) => keys.devicesByStatus('down', s), [[0, 'cpe-3']]);

    const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth.noc })).body;
    const count = (status: string) =>
      Number(new RegExp(`^vigil_devices\\{status="${status}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(count('unknown')).toBe(2);
    expect(count('unknown') + count('up') + count('degraded') + count('down')).toBe(5);
  });

  it('is not for agents, nor anonymous', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth.agent })).statusCode).toBe(
      403,
    );
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });
});
