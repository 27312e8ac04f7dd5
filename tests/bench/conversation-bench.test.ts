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
 * Redis prefix is gone afterwards. No timing is asserted. The smallest run that still goes through every
 * phase: one fault per path, polls a second apart (the fast-test knobs of README "Tests").
 */
const SIZES = {
  rate: 20,
  seconds: 1,
  sampleEvery: 4,
  faultRepeats: 1,
  cpes: 60,
  open: 10,
  interval: 1,
  settle: 1,
};

describe('vigil bench conversations', () => {
  it('measures the three figures end to end and cleans up', { timeout: 300_000 }, async () => {
    const { stdout } = await exec(
      process.execPath,
      [
        MAIN,
        'bench',
        'conversations',
        ...['--rate', String(SIZES.rate), '--seconds', String(SIZES.seconds)],
        ...['--sample-every', String(SIZES.sampleEvery), '--fault-repeats', String(SIZES.faultRepeats)],
        ...['--outage-subscribers', String(SIZES.cpes), '--open', String(SIZES.open)],
        ...[
          '--interval',
          String(SIZES.interval),
          '--settle',
          String(SIZES.settle),
          '--first-octet',
          '185',
          '--port',
          String(randomPort()),
        ],
        '--json',
      ],
      {
        timeout: 280_000,
        env: {
          ...process.env,
          REDIS_URL: TEST_REDIS_URL,
          VIGIL_POLL_SHARDS: '8',
          VIGIL_PROBE_MIN_INTERVAL_SECONDS: String(SIZES.interval),
          VIGIL_POLL_TICK_SECONDS: String(SIZES.interval / 4),
          VIGIL_POLL_SYNC_SECONDS: '1',
        },
      },
    );
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines.at(-1) as string) as ConversationBenchResult;
    expect(stdout).toMatch(/^open → snapshot/m);

    const opens = SIZES.rate * SIZES.seconds;
    const sampled = opens / SIZES.sampleEvery;
    expect(result.setup).toMatchObject({
      devices: SIZES.cpes + 1,
      cpes: SIZES.cpes,
      parent: 'bs-0001',
      interval_s: SIZES.interval,
    });
    expect(result.open).toMatchObject({ attempted: opens, ok: opens, errors: {} });
    expect(result.open?.fresh_probe).toMatchObject({ sampled, received: sampled, outcomes: { ok: sampled } });
    const repeats = SIZES.faultRepeats;
    expect(result.trap_path).toMatchObject({ fault: 'wan_down', repeats, received: repeats });
    expect(result.trap_path?.traps_received).toBeGreaterThan(0);
    // Where the time went: every suggestion found on the event stream after its finding.
    expect(result.trap_path?.finding_to_suggestion_ms.n).toBe(repeats);
    expect(result.poll_path).toMatchObject({ fault: 'stale_uptime', repeats, received: repeats });
    expect(result.poll_path?.suggestion_kinds).toEqual({ remote_reboot: repeats });
    expect(result.outage).toMatchObject({
      streams_open: SIZES.open,
      notices_received: SIZES.open,
      streams_missing_notice: 0,
      streams_cut: 0,
    });
    expect(result.outage?.written.outage_notices).toBe(SIZES.cpes);
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
