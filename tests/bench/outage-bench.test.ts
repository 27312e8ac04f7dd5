import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutageBenchResult } from '../../src/bench/outage/index.js';
import { TEST_REDIS_URL } from '../helpers/test-redis.js';
import { randomPort } from '../helpers/test-simulator.js';

const exec = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
afterAll(() => redis.disconnect());

/**
 * `vigil bench outage --quick`, built, as it is run: one power cut by polling alone and one with traps
 * each reach the open conversation as an outage notice, and 30% packet loss over the fleet opens no
 * outage and sends no notice; the Redis prefixes are gone afterwards. The settle time stays at
 * production's 90 s, longer than the run waits, so a notice proves the outage check opened it. No
 * timing is asserted.
 */
describe('vigil bench outage', () => {
  it('measures both paths and the loss run end to end, and cleans up', { timeout: 300_000 }, async () => {
    const { stdout } = await exec(
      process.execPath,
      [
        MAIN,
        'bench',
        'outage',
        '--quick',
        ...['--interval', '5', '--cpes', '20', '--runs', '1', '--loss-intervals', '3', '--loss-parents', '4'],
        ...['--first-octet', '204', '--port', String(randomPort()), '--json'],
      ],
      {
        timeout: 280_000,
        env: {
          ...process.env,
          REDIS_URL: TEST_REDIS_URL,
          VIGIL_POLL_SHARDS: '8',
          VIGIL_POLL_SYNC_SECONDS: '1',
        },
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as OutageBenchResult;
    expect(stdout).toMatch(/^power cut → outage notice, polling alone: 1\/1 notified/m);
    expect(result.setup).toMatchObject({ cpes: 20, parent: 'bs-0001', settle_s: 90, runs: 1 });
    expect(result.polling).toMatchObject({ runs: 1, notified: 1 });
    expect(result.traps).toMatchObject({ runs: 1, notified: 1 });
    // A lost packet is not a failed device.
    expect(result.loss).toMatchObject({ percent: 30, devices: 84, false_outages: 0, outage_notices: 0 });
    expect(result.setup.prefixes).toHaveLength(3);
    for (const prefix of result.setup.prefixes) expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });
});
