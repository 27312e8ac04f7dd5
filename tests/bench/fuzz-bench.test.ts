import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { FuzzBenchResult } from '../../src/bench/fuzz/index.js';
import { HOSTILE_BEHAVIOURS } from '../../src/fuzz/hostile-answers.js';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * `vigil bench fuzz`, built, on a short run: the service lives through the datagrams and the hostile
 * answers, nothing escapes, and it counted what it was sent. No timing is asserted. Two devices per
 * behaviour (one v2c, one v3), polled a second apart (the fast-test knobs of README "Tests").
 */
const SIZES = { datagrams: 5000, answers: 500, devices: 2 * HOSTILE_BEHAVIOURS.length, interval: 1 };

describe('vigil bench fuzz', () => {
  it('runs the fuzz harness against a real serve and reports a clean run', { timeout: 180_000 }, async () => {
    const { stdout } = await exec(
      process.execPath,
      [
        MAIN,
        'bench',
        'fuzz',
        ...['--datagrams', String(SIZES.datagrams), '--answers', String(SIZES.answers)],
        ...['--devices', String(SIZES.devices), '--first-octet', '198', '--json'],
      ],
      {
        env: {
          ...process.env,
          REDIS_URL: TEST_REDIS_URL,
          VIGIL_PROBE_MIN_INTERVAL_SECONDS: String(SIZES.interval),
          VIGIL_POLL_TICK_SECONDS: String(SIZES.interval / 4),
          VIGIL_POLL_SYNC_SECONDS: '1',
        },
        maxBuffer: 10 * 2 ** 20,
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as FuzzBenchResult;
    expect(result.service.crashed).toBe(false);
    expect(result.service.escapes).toBe(0);
    expect(result.decoder.escapes).toBe(0);
    expect(result.service.healthFailures).toBe(0);
    expect(result.trapPort.rejected.malformed).toBeGreaterThan(0);
    expect(result.trapPort.counted).toBeGreaterThan(1000);
    expect(result.hostileAnswers.answers).toBeGreaterThanOrEqual(SIZES.answers);
    expect(result.hostileAnswers.polls.malformed).toBeGreaterThan(0);
  });
});
