import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { FleetBenchResult } from '../../src/bench/fleet/index.js';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';
import { randomPort } from '../helpers/test-simulator.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
afterAll(() => redis.disconnect());

const ROLES = ['simulator', 'api', 'poller', 'worker', 'redis', 'bench'];

/**
 * `vigil bench fleet`, built, as it is run, with a fleet of a few hundred devices polled every 5 s:
 * the report has every figure, every device was polled in every measured cycle, the opens were
 * answered, and the shared Redis never saw the bench's keys (it runs its own redis-server). No timing
 * is asserted.
 */
/** `vigil bench fleet` with a small fleet polled every 5 s, extra flags appended; its JSON report. */
async function smallFleet(
  firstOctet: number,
  ...extra: string[]
): Promise<{ stdout: string; result: FleetBenchResult }> {
  const { stdout } = await exec(
    process.execPath,
    [
      MAIN,
      'bench',
      'fleet',
      ...['--devices', '303', '--fanout', '100', '--interval', '5', '--cycles', '2'],
      ...['--opens-rate', '20', '--opens-seconds', '2'],
      ...['--first-octet', String(firstOctet), '--port', String(randomPort()), '--json', ...extra],
    ],
    { timeout: 220_000, env: { ...process.env, REDIS_URL: TEST_REDIS_URL, VIGIL_POLL_SHARDS: '8' } },
  );
  return { stdout, result: JSON.parse(stdout.trim().split('\n').at(-1) as string) as FleetBenchResult };
}

describe('vigil bench fleet', () => {
  it('reports the steady state of a small fleet, every device polled', { timeout: 240_000 }, async () => {
    const { stdout, result } = await smallFleet(215);
    expect(stdout).toMatch(/^schedule lag: p50 [\d.]+ s, p99 [\d.]+ s/m);
    expect(result).toMatchObject({ devices: 303, interval_s: 5, cycles: 2, polls_needed_per_s: 60.6 });
    expect(result.devices_polled_per_cycle).toEqual([303, 303]);
    expect(result.every_device_polled).toBe(true);
    // One lag per answered slot: at least one a device a cycle.
    expect(result.schedule_lag_s.n).toBeGreaterThanOrEqual(606);
    expect(result.schedule_lag_s.p99).toBeLessThan(5);
    // The opens' fresh probes answer slots already answered: counted apart, not as late polls.
    expect(result.out_of_slot_answers).toEqual(expect.any(Number));
    expect(result.polls_per_s).toBeGreaterThan(0);
    expect(result.poll_outcomes.ok).toBeGreaterThanOrEqual(606);
    expect(result.roles.map((r) => r.role)).toEqual(ROLES);
    for (const role of result.roles) {
      expect(role.processes).toBeGreaterThanOrEqual(1);
      expect(role.rss_mb).toBeGreaterThan(0);
    }
    // As deploy/systemd runs them: the API first, the bulk work (and the devices' stand-in) below it.
    const niceOf = (role: string): number | undefined => result.roles.find((r) => r.role === role)?.nice;
    expect([niceOf('api'), niceOf('poller'), niceOf('worker'), niceOf('simulator')]).toEqual([0, 10, 10, 10]);
    expect(result.setup.sim_processes).toBe(1);
    expect(result.redis.used_mb_steady).toBeGreaterThan(0);
    expect(result.redis.masters).toHaveLength(1);
    expect(result.opens).toMatchObject({ rate: 20, attempted: 40, ok: 40, errors: {} });
    expect(result.opens.latency_ms.n).toBe(40);
    // The API's own time for each open, from its request log: no more answers than opens, and none slower.
    expect(result.opens.api_response_ms?.n).toBe(40);
    expect(result.opens.p99_ms_by_second).toHaveLength(2);
    expect(Math.max(...result.opens.p99_ms_by_second)).toBeLessThanOrEqual(result.opens.latency_ms.max);
    expect(result.opens.api_response_ms?.max).toBeLessThanOrEqual(result.opens.latency_ms.max);
    expect(await redis.keys('vigil-bench-fleet:*')).toEqual([]);
  });

  it(
    'runs the same fleet on a three-master Redis Cluster and reports each master',
    { timeout: 240_000 },
    async () => {
      const { stdout, result } = await smallFleet(216, '--redis-masters', '3');
      expect(result.devices_polled_per_cycle).toEqual([303, 303]);
      expect(result.opens).toMatchObject({ attempted: 40, ok: 40, errors: {} });
      expect(result.roles.find((r) => r.role === 'redis')?.processes).toBe(3);
      const { masters } = result.redis;
      expect(new Set(masters.map((m) => m.port)).size).toBe(3);
      for (const master of masters) {
        expect(master.used_mb_steady).toBeGreaterThan(0);
        expect(master.rss_mb).toBeGreaterThan(0);
        expect(stdout).toContain(`master :${master.port}: `);
      }
      // The poll shards' keys and the queue shards spread: more than one master serves the polls.
      expect(masters.filter((m) => m.commands_per_s > 50).length).toBeGreaterThanOrEqual(2);
    },
  );
});
