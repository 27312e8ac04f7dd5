import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator, TEST_COMMUNITY } from '../helpers/test-simulator.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const INTERVAL_MS = 5_000;
const SHARDS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two `vigil serve --roles poller` processes share one fleet; one is killed; no device is lost or doubled. */
describe('pollers sharing the fleet', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let probesDir: string;
  const pollers: ChildProcess[] = [];
  const polls = new Map<string, number[]>();
  let sampling = true;
  let sampler: Promise<void>;

  const startPoller = (): ChildProcess => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--roles', 'poller'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        REDIS_URL: TEST_REDIS_URL,
        VIGIL_REDIS_PREFIX: redis.prefix,
        VIGIL_PROBES_DIR: probesDir,
        VIGIL_POLL_SHARDS: String(SHARDS),
        VIGIL_LOG_LEVEL: 'warn',
        VIGIL_SNMP_SIM_VERSION: '2c',
        VIGIL_SNMP_SIM_COMMUNITY: TEST_COMMUNITY,
      },
    });
    pollers.push(child);
    return child;
  };

  beforeAll(async () => {
    // The shipped probes, polled every 5 s instead of every 30–60 s, so the test sees several intervals.
    probesDir = mkdtempSync(join(tmpdir(), 'vigil-probes-'));
    for (const file of readdirSync('probes')) {
      const text = readFileSync(join('probes', file), 'utf8')
        .replace(/^interval: .*$/m, 'interval: 5s')
        .replace(/^timeout: .*$/m, 'timeout: 1s');
      writeFileSync(join(probesDir, file), text);
    }
    sim = await startTestSimulator({ firstOctet: 169, devices: 30, fanout: 9 });
    redis = await createTestRedis();
    await createInventoryStore({ redis: redis.redis, keys: redis.keys }).importInventory(sim.fleet.inventory);

    // Every poll leaves its time in the device's stored state: sample them all, from outside the pollers.
    const states = createPollerStateStore(redis.redis, redis.keys, SHARDS);
    const ids = sim.devices.map((d) => d.id);
    sampler = (async () => {
      while (sampling) {
        for (const [id, state] of await states.load(ids)) {
          const at = state.detection.lastPollAt;
          const seen = polls.get(id) ?? [];
          if (at !== undefined && seen.at(-1) !== at) polls.set(id, [...seen, at]);
        }
        await sleep(100);
      }
    })();
  });

  afterAll(async () => {
    sampling = false;
    await sampler;
    for (const child of pollers) child.kill('SIGKILL');
    await sim?.close();
    await redis?.close();
    rmSync(probesDir, { recursive: true, force: true });
  });

  const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

  it(
    'polls every device once per interval with two pollers, and keeps doing so after one is killed',
    { timeout: 60_000 },
    async () => {
      startPoller();
      const victim = startPoller();
      await sleep(3 * INTERVAL_MS);

      const ids = sim.devices.map((d) => d.id);
      for (const id of ids) {
        const times = polls.get(id) ?? [];
        expect(times.length, `${id} polled ${times.length} times in 3 intervals`).toBeGreaterThanOrEqual(2);
        // Never twice in one interval: the claim moves a device's due time atomically. Polls land on
        // 1-second ticks and take their own time, so consecutive ones are an interval apart give or take
        // a second or two; a double poll would be well under half an interval apart.
        for (const gap of gaps(times))
          expect(gap, `${id} polled twice within ${gap} ms`).toBeGreaterThan(INTERVAL_MS / 2);
      }

      victim.kill('SIGKILL');
      const killedAt = Date.now();
      await sleep(3 * INTERVAL_MS);
      for (const id of ids) {
        const after = (polls.get(id) ?? []).filter((t) => t > killedAt);
        expect(after.length, `${id} polled ${after.length} times after the kill`).toBeGreaterThanOrEqual(2);
        for (const gap of gaps(polls.get(id) ?? [])) expect(gap).toBeGreaterThan(INTERVAL_MS / 2);
      }
    },
  );
});
