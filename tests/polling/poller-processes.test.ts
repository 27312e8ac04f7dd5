import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryStore } from '../../src/inventory/index.js';
import { slotOffsetMs } from '../../src/polling/poll-schedule.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, TEST_POLL_SHARDS, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator, TEST_COMMUNITY } from '../helpers/test-simulator.js';
import { sleep, until } from '../helpers/wait.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const INTERVAL_MS = 3_000;
const SHARDS = TEST_POLL_SHARDS;

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
        // Polls 3 s apart, below production's 5 s floor; ticks an eighth of that, so a poll starts
        // within 375 ms of its slot.
        VIGIL_PROBE_MIN_INTERVAL_SECONDS: String(INTERVAL_MS / 1000),
        VIGIL_POLL_TICK_SECONDS: String(INTERVAL_MS / 8000),
      },
    });
    pollers.push(child);
    return child;
  };

  beforeAll(async () => {
    // The shipped probes, polled every 3 s instead of every 30–60 s, so the test sees several intervals.
    probesDir = mkdtempSync(join(tmpdir(), 'vigil-probes-'));
    for (const file of readdirSync('probes')) {
      const text = readFileSync(join('probes', file), 'utf8')
        .replace(/^interval: .*$/m, `interval: ${INTERVAL_MS / 1000}s`)
        .replace(/^timeout: .*$/m, 'timeout: 400ms');
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

  /**
   * The slots a device's polls answered: its due times are its hashed offset plus whole intervals, and a
   * poll ends within an interval of its slot (a tick late by more skips the missed slot), so two polls
   * in one slot are a double poll, whatever the machine's load did to the ticks between them.
   */
  const slotsOf = (id: string): number[] =>
    (polls.get(id) ?? []).map((t) => Math.floor((t - slotOffsetMs(id, INTERVAL_MS)) / INTERVAL_MS));
  const repeated = (slots: number[]): number[] => slots.filter((slot, i) => slots.indexOf(slot) !== i);

  it(
    'polls every device once per interval with two pollers, and keeps doing so after one is killed',
    { timeout: 90_000 },
    async () => {
      startPoller();
      const victim = startPoller();
      const ids = sim.devices.map((d) => d.id);
      // Three intervals from the first poll on (a process takes its own time to start).
      await until(() => ids.every((id) => polls.has(id)), { timeoutMs: 30_000, what: 'every device polled' });
      await sleep(3 * INTERVAL_MS);

      for (const id of ids) {
        const times = polls.get(id) ?? [];
        expect(times.length, `${id} polled ${times.length} times in 3 intervals`).toBeGreaterThanOrEqual(2);
        // Never twice in one interval: the claim moves a device's due time atomically.
        expect(repeated(slotsOf(id)), `${id} polled twice in one slot`).toEqual([]);
      }

      victim.kill('SIGKILL');
      const killedAt = Date.now();
      const polledAfter = (id: string): number[] => (polls.get(id) ?? []).filter((t) => t > killedAt);
      // The devices the victim had claimed wait for their next slot: every device is polled within an
      // interval + 10 s of the kill and again an interval later (the poller-loss drill's bar, README),
      // which a loaded machine may need; three intervals left a device's second poll a tick's lag away.
      await until(() => ids.every((id) => polledAfter(id).length >= 2), {
        timeoutMs: 2 * INTERVAL_MS + 10_000,
        what: 'every device polled twice after the kill',
      }).catch(() => undefined);
      for (const id of ids) {
        const after = polledAfter(id);
        expect(after.length, `${id} polled ${after.length} times after the kill`).toBeGreaterThanOrEqual(2);
        expect(repeated(slotsOf(id)), `${id} polled twice in one slot`).toEqual([]);
      }
    },
  );
});
