import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationBenchResult } from '../../src/bench/conversation/index.js';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';
import { randomPort } from '../helpers/test-simulator.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
afterAll(() => redis.disconnect());

/**
 * `vigil bench conversations` on a small fleet, built, as it is run: every open answered, every sampled
 * stream gets its fresh probe, every fault its suggestion, every open stream its outage notice, and the
 * Redis prefix is gone afterwards. No timing is asserted.
 */
describe('vigil bench conversations', () => {
  it('measures the three figures end to end and cleans up', { timeout: 300_000 }, async () => {
    const { stdout } = await exec(
      process.execPath,
      [
        MAIN,
        'bench',
        'conversations',
        '--rate',
        '20',
        '--seconds',
        '2',
        '--sample-every',
        '4',
        '--fault-repeats',
        '2',
        '--outage-subscribers',
        '60',
        '--open',
        '20',
        '--interval',
        '5',
        '--first-octet',
        '185',
        '--port',
        String(randomPort()),
        '--json',
      ],
      { timeout: 280_000, env: { ...process.env, REDIS_URL: TEST_REDIS_URL, VIGIL_POLL_SHARDS: '8' } },
    );
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines.at(-1) as string) as ConversationBenchResult;
    expect(stdout).toMatch(/^open → snapshot/m);

    expect(result.setup).toMatchObject({ devices: 61, cpes: 60, parent: 'bs-0001', interval_s: 5 });
    expect(result.open).toMatchObject({ attempted: 40, ok: 40, errors: {} });
    expect(result.open?.fresh_probe).toMatchObject({ sampled: 10, received: 10, outcomes: { ok: 10 } });
    expect(result.trap_path).toMatchObject({ fault: 'wan_down', repeats: 2, received: 2 });
    expect(result.trap_path?.traps_received).toBeGreaterThan(0);
    expect(result.poll_path).toMatchObject({ fault: 'stale_uptime', repeats: 2, received: 2 });
    expect(result.poll_path?.suggestion_kinds).toEqual({ remote_reboot: 2 });
    expect(result.outage).toMatchObject({
      streams_open: 20,
      notices_received: 20,
      streams_missing_notice: 0,
      streams_cut: 0,
    });
    expect(result.outage?.written.outage_notices).toBe(60);
    expect(result.outage?.fault_to_opened_ms).toBeGreaterThan(0);

    const left: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${result.setup.prefix}:*`, 'COUNT', 10_000);
      cursor = next;
      left.push(...keys);
    } while (cursor !== '0');
    expect(left).toEqual([]);
  });
});
