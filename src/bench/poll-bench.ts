import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import SYSTEM_GROUP_OIDS from './bench-oids.js';
import { createInventoryStore, type Device, type Inventory } from '../inventory/index.js';
import { createLogger } from '../platform/logger.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import { createRedisKeys } from '../platform/redis-keys.js';
import { deleteKeyPrefix } from '../platform/delete-key-prefix.js';
import { loadProbes } from '../probes/load-probes.js';
import { createDevicePoller } from '../polling/poll-device.js';
import { buildPollPlan, type TableIndices } from '../polling/poll-plan.js';
import { createPollService } from '../polling/poll-service.js';
import { createPollerStateStore } from '../polling/poller-state-store.js';
import type { Probe } from '../probes/probe-types.js';
import { Secret } from '../shared/secret.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import { bareNetSnmpGet } from '../snmp/bare-net-snmp-get.js';
import { UdpGetTransport } from '../snmp/udp-get-transport.js';
import { runPool } from './run-pool.js';
import { startSimProcess, type SimProcess } from './sim-process.js';

export interface PollBenchOptions {
  devices: number;
  concurrency: number;
  cycles: number;
  timeoutMs: number;
  retries: number;
  targetsFile?: string;
  community?: string;
  oids?: string[];
  firstOctet: number;
  port: number;
  redisUrl: string;
  probesDir: string;
}

export interface CycleStats {
  ok: number;
  errors: number;
  timeouts: number;
  cycle_walls_s: number[];
  cycle_cpus_s: number[];
}

export interface PollBenchResult extends CycleStats {
  devices: number;
  concurrency: number;
  varbinds_per_device: number;
  baseline: CycleStats;
  /** Devices per second, warm cycles (all but the first), poll path ÷ bare loop. */
  ratio_warm: number;
  poll_rate_warm: number;
  baseline_rate_warm: number;
  poll_cpu_us_per_device: number;
  baseline_cpu_us_per_device: number;
  /** Redis used_memory growth: the inventory plus every device's poller state and indexes. */
  redis_used_mb: number;
}

const emptyStats = (): CycleStats => ({ ok: 0, errors: 0, timeouts: 0, cycle_walls_s: [], cycle_cpus_s: [] });

async function timed(stats: CycleStats, run: () => Promise<void>): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  stats.cycle_walls_s.push(Number(((performance.now() - started) / 1000).toFixed(3)));
  stats.cycle_cpus_s.push(Number(((used.user + used.system) / 1e6).toFixed(3)));
}

function targetsInventory(file: string): Inventory {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const devices: Device[] = lines.map((line, i) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(line);
    if (!match) throw new Error(`${file}:${i + 1}: expected host[:port], got "${line}"`);
    return {
      id: `target-${i + 1}`,
      kind: 'cpe',
      parentId: null,
      profile: 'generic',
      host: match[1] as string,
      port: Number(match[2] ?? 161),
      auth: 'bench',
    };
  });
  return { sites: [], devices, subscribers: [] };
}

/** A probe made of the --oids list: one GET of those objects per device, read as text. */
function oidsProbe(base: Probe, oids: string[], options: PollBenchOptions): Probe {
  return {
    ...base,
    name: 'bench-oids',
    scalars: oids.map((oid, i) => ({ name: `oid${i}`, oid, kind: 'string' as const, optional: true })),
    tables: [],
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  };
}

/**
 * The poll path (what a poller runs: inventory record, stored state, request, decode, rates,
 * detection, state written back to Redis) against a bare net-snmp request loop over the same devices
 * and the same OIDs, cycles interleaved so both meet the same conditions.
 */
export async function runPollBench(
  options: PollBenchOptions,
  say: (line: string) => void,
): Promise<PollBenchResult> {
  let sim: SimProcess | undefined;
  let inventory: Inventory;
  let community = options.community ?? 'public';
  if (options.targetsFile) {
    inventory = targetsInventory(options.targetsFile);
  } else {
    sim = await startSimProcess({
      devices: options.devices,
      firstOctet: options.firstOctet,
      port: options.port,
    });
    say(`simulator up: ${options.devices} devices in ${sim.startSeconds.toFixed(1)} s (pid ${sim.pid})`);
    inventory = sim.inventory;
    community = options.community ?? sim.community;
  }
  const profile: AuthProfile = { name: 'bench', version: '2c', community: new Secret(community) };
  const devices = inventory.devices.map((d) => ({ ...d, auth: 'bench' }));
  const ids = devices.map((d) => d.id);

  const redis = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-poll');
  await waitForRedis(redis);
  const keys = createRedisKeys(`vigil-bench-${randomBytes(4).toString('hex')}`);
  const transport = new UdpGetTransport();
  const usedMemory = async (): Promise<number> =>
    Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
  const memoryBefore = await usedMemory();
  try {
    const store = createInventoryStore({ redis, keys });
    await store.importInventory({ ...inventory, devices });
    const loaded = await loadProbes(options.probesDir);
    if (!('probes' in loaded)) throw new Error('probes do not compile (vigil check)');
    const tuned = new Map(
      [...loaded.probes].map(([name, p]) => [
        name,
        { ...p, timeoutMs: options.timeoutMs, retries: options.retries },
      ]),
    );
    if (options.oids) {
      const probe = oidsProbe(loaded.probes.get('generic') as Probe, options.oids, options);
      for (const name of [...tuned.keys()]) tuned.set(name, probe);
      tuned.set('generic', probe);
    }
    const states = createPollerStateStore(redis, keys, 64);
    const service = createPollService({
      redis,
      keys,
      inventory: store,
      probes: tuned,
      authProfiles: new Map([['bench', profile]]),
      poller: createDevicePoller(transport),
      states,
      log: createLogger({ level: 'silent' }),
      concurrency: options.concurrency,
    });

    const poll = emptyStats();
    const baseline = emptyStats();
    // What the bare loop asks each device: the same OIDs as the poll path's GETs, in the same chunks.
    const requestsOf = new Map<string, string[][]>();
    const community_ = community;
    const runBaseline = () =>
      timed(baseline, () =>
        runPool(devices, options.concurrency, async (device) => {
          for (const oids of requestsOf.get(device.id) ?? [SYSTEM_GROUP_OIDS]) {
            const outcome = await bareNetSnmpGet(
              device.host,
              device.port,
              community_,
              oids,
              options.timeoutMs,
              options.retries,
            );
            if (outcome === 'ok') baseline.ok += 1;
            else if (outcome === 'timeout') baseline.timeouts += 1;
            else baseline.errors += 1;
          }
        }),
      );
    const runPoll = () =>
      timed(poll, async () => {
        for (let i = 0; i < ids.length; i += 5_000) {
          for (const report of await service.pollDevices(ids.slice(i, i + 5_000))) {
            if (report.result.outcome === 'ok' || report.result.outcome === 'partial') poll.ok += 1;
            else if (report.result.outcome === 'timeout') poll.timeouts += 1;
            else poll.errors += 1;
          }
        }
      });

    for (let cycle = 0; cycle < options.cycles; cycle++) {
      await runPoll();
      if (cycle === 0) {
        // After the first poll every device's table rows are known: the bare loop asks for exactly the same.
        const known = await states.load(ids);
        for (const device of devices) {
          const probe = service.probeFor(device);
          const indices: TableIndices = known.get(device.id)?.indices ?? {};
          requestsOf.set(
            device.id,
            buildPollPlan(probe, indices).requests.map((r) => r.oids),
          );
        }
      }
      await runBaseline();
      say(
        `cycle ${cycle + 1}: poll path ${poll.cycle_walls_s.at(-1)} s wall, ${poll.cycle_cpus_s.at(-1)} s CPU; bare net-snmp ${baseline.cycle_walls_s.at(-1)} s wall, ${baseline.cycle_cpus_s.at(-1)} s CPU`,
      );
    }

    const warm = (walls: number[]): number => {
      const rest = walls.length > 1 ? walls.slice(1) : walls;
      return rest.reduce((a, b) => a + b, 0) / rest.length;
    };
    const warmCpu = (cpus: number[]): number => warm(cpus);
    const pollRate = ids.length / warm(poll.cycle_walls_s);
    const baselineRate = ids.length / warm(baseline.cycle_walls_s);
    const firstRequests = requestsOf.get(ids[0] ?? '') ?? [];
    const redisUsedMb = Math.round(((await usedMemory()) - memoryBefore) / 2 ** 20);
    return {
      ...poll,
      devices: ids.length,
      concurrency: options.concurrency,
      varbinds_per_device: firstRequests.reduce((n, r) => n + r.length, 0),
      baseline,
      ratio_warm: Number((pollRate / baselineRate).toFixed(2)),
      poll_rate_warm: Math.round(pollRate),
      baseline_rate_warm: Math.round(baselineRate),
      poll_cpu_us_per_device: Math.round((warmCpu(poll.cycle_cpus_s) * 1e6) / ids.length),
      baseline_cpu_us_per_device: Math.round((warmCpu(baseline.cycle_cpus_s) * 1e6) / ids.length),
      redis_used_mb: redisUsedMb,
    };
  } finally {
    await transport.close();
    await deleteKeyPrefix(redis, keys.prefix);
    redis.disconnect();
    await sim?.stop();
  }
}
