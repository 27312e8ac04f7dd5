import type { Redis } from 'ioredis';
import type { Finding } from '../../detection/index.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { createPollerStateStore } from '../../polling/poller-state-store.js';
import type { AdviseBenchOptions } from './advise-bench-options.js';
import type { AdviseRun } from './advise-run.js';
import { createAdvisorHarness } from './advisor-harness.js';
import { importBenchFleet } from './bench-fleet.js';
import { faultFinding } from './bench-findings.js';
import { usedMemory } from './memory-readings.js';
import { writeFindings } from './write-findings.js';

export interface AdviseSetup {
  run: AdviseRun;
  importS: number;
  findingsWriteMs: number;
  /** Redis used_memory before anything, after the inventory, after the findings (bytes). */
  memory: { start: number; inventory: number; findings: number };
}

/**
 * The simulator's inventory in the bench's Redis prefix, the faulty CPEs' findings written as pollers
 * write them, and the advisor built over them (not primed yet).
 */
export async function setUpAdviseRun(
  deps: { redis: Redis; reader: Redis; keys: RedisKeys },
  options: AdviseBenchOptions,
  say: (line: string) => void,
): Promise<AdviseSetup> {
  const { redis, keys } = deps;
  const states = createPollerStateStore(redis, keys, options.pollShards);
  let now = Date.now();
  const tick = (ms = 1_000): number => (now += ms);
  const memoryStart = await usedMemory(redis);
  const fleetStarted = performance.now();
  const fleet = await importBenchFleet(redis, keys, options, now);
  const importS = (performance.now() - fleetStarted) / 1000;
  const memoryInventory = await usedMemory(redis);
  const { counts } = fleet;
  say(
    `inventory: ${counts.devices} devices (${counts.parents} parents, ${counts.cpes} CPEs), ${counts.subscribers} subscribers, generated and imported in ${importS.toFixed(2)} s`,
  );
  const faultyFindings = new Map(fleet.faulty.map((id, n) => [id, faultFinding(id, n, now)]));
  const started = performance.now();
  await writeFindings(
    redis,
    keys,
    states,
    fleet.faulty.map((deviceId) => ({
      deviceId,
      findings: [faultyFindings.get(deviceId) as Finding],
      reachable: true,
    })),
    now,
  );
  const findingsWriteMs = performance.now() - started;
  const memoryFindings = await usedMemory(redis);
  say(`findings: ${fleet.faulty.length} faulty CPEs written in ${findingsWriteMs.toFixed(0)} ms`);
  const harness = await createAdvisorHarness({ ...deps, states, playbooksDir: options.playbooksDir, tick });
  return {
    run: {
      ...deps,
      states,
      fleet,
      faultyFindings,
      harness,
      now: () => now,
      tick,
      idleSteps: options.idleSteps ?? 10,
    },
    importS,
    findingsWriteMs,
    memory: { start: memoryStart, inventory: memoryInventory, findings: memoryFindings },
  };
}
