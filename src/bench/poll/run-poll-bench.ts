import { randomBytes } from 'node:crypto';
import { createInventoryStore, type Device } from '../../inventory/index.js';
import { deleteKeyPrefix } from '../../platform/delete-key-prefix.js';
import { createLogger } from '../../platform/logger.js';
import { createRedisConnection, waitForRedis } from '../../platform/redis-connection.js';
import { createRedisKeys } from '../../platform/redis-keys.js';
import { createDevicePoller } from '../../polling/poll-device.js';
import { buildPollPlan } from '../../polling/poll-plan.js';
import { createPollService, type PollService } from '../../polling/poll-service.js';
import { createPollerStateStore, type PollerStateStore } from '../../polling/poller-state-store.js';
import { Secret } from '../../shared/secret.js';
import { UdpGetTransport } from '../../snmp/udp-get-transport.js';
import { baselineCycle } from './baseline-cycle.js';
import { benchFleetSource } from './bench-fleet-source.js';
import { benchProbes } from './bench-probes.js';
import { emptyStats } from './cycle-stats.js';
import type { PollBenchOptions, PollBenchResult } from './poll-bench-types.js';
import { pollCycle } from './poll-cycle.js';
import { pollReport } from './poll-report.js';

/** After the first poll every device's table rows are known: the bare loop asks for exactly the same. */
async function requestsAfterFirstPoll(
  service: PollService,
  states: PollerStateStore,
  devices: readonly Device[],
): Promise<Map<string, string[][]>> {
  const known = await states.load(devices.map((d) => d.id));
  const plan = (device: Device): string[][] =>
    buildPollPlan(service.probeFor(device), known.get(device.id)?.indices ?? {}).requests.map((r) => r.oids);
  return new Map(devices.map((device) => [device.id, plan(device)]));
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
  const source = await benchFleetSource(options, say);
  const devices = source.inventory.devices.map((d) => ({ ...d, auth: 'bench' }));
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
    await store.importInventory({ ...source.inventory, devices });
    const states = createPollerStateStore(redis, keys, 64);
    const service = createPollService({
      redis,
      keys,
      inventory: store,
      probes: await benchProbes(options),
      authProfiles: new Map([
        ['bench', { name: 'bench', version: '2c', community: new Secret(source.community) }],
      ]),
      poller: createDevicePoller(transport),
      states,
      log: createLogger({ level: 'silent' }),
      concurrency: options.concurrency,
    });
    const poll = emptyStats();
    const baseline = emptyStats();
    // What the bare loop asks each device: the same OIDs as the poll path's GETs, in the same chunks.
    let requestsOf = new Map<string, string[][]>();
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      await pollCycle(poll, service, ids);
      if (cycle === 0) requestsOf = await requestsAfterFirstPoll(service, states, devices);
      await baselineCycle(baseline, devices, requestsOf, { ...options, community: source.community });
      say(
        `cycle ${cycle + 1}: poll path ${poll.cycle_walls_s.at(-1)} s wall, ${poll.cycle_cpus_s.at(-1)} s CPU; bare net-snmp ${baseline.cycle_walls_s.at(-1)} s wall, ${baseline.cycle_cpus_s.at(-1)} s CPU`,
      );
    }
    const firstRequests = requestsOf.get(ids[0] ?? '') ?? [];
    return pollReport(poll, baseline, {
      devices: ids.length,
      concurrency: options.concurrency,
      varbindsPerDevice: firstRequests.reduce((n, r) => n + r.length, 0),
      redisUsedMb: Math.round(((await usedMemory()) - memoryBefore) / 2 ** 20),
    });
  } finally {
    await transport.close();
    await deleteKeyPrefix(redis, keys.prefix);
    redis.disconnect();
    await source.sim?.stop();
  }
}
