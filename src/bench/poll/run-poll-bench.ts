import { randomBytes } from 'node:crypto';
import { createInventoryStore, type Device } from '../../inventory/index.js';
import { deleteKeyPrefix } from '../../platform/delete-key-prefix.js';
import { createLogger } from '../../platform/logger.js';
import { createRedisConnection, waitForRedis } from '../../platform/redis-connection.js';
import { createRedisKeys, type RedisKeys } from '../../platform/redis-keys.js';
import { createDevicePoller } from '../../polling/poll-device.js';
import { buildPollPlan } from '../../polling/poll-plan.js';
import { InFlightLimit } from '../../polling/in-flight-limit.js';
import { LOAD_CHUNK, WRITE_CHUNK } from '../../polling/poll-batch.js';
import { createPollService, type PollService } from '../../polling/poll-service.js';
import { createPollerStateStore, type PollerStateStore } from '../../polling/poller-state-store.js';
import { Secret } from '../../shared/secret.js';
import { createBareNetSnmpSessions, type BareNetSnmpSessions } from '../../snmp/bare-net-snmp-sessions.js';
import { UdpGetTransport } from '../../snmp/udp-get-transport.js';
import { baselineCycle } from './baseline-cycle.js';
import { benchFleetSource } from './bench-fleet-source.js';
import { benchProbes } from './bench-probes.js';
import { emptyStats } from './cycle-stats.js';
import type { CycleStats, PollBenchOptions, PollBenchResult } from './poll-bench-types.js';
import { inBatchOrder, POLL_BATCH, POLL_BATCHES_AT_ONCE, pollCycle, shardBatches } from './poll-cycle.js';
import { pollReport } from './poll-report.js';
import { prefixMemoryBytes } from './prefix-memory.js';

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

/** Both sides' cycles, interleaved: the poll path's, then the loop's, `options.cycles` times. */
async function runCycles(
  options: PollBenchOptions,
  say: (line: string) => void,
  run: {
    service: PollService;
    states: PollerStateStore;
    devices: Device[];
    sessions: BareNetSnmpSessions;
    keys: RedisKeys;
  },
): Promise<{ poll: CycleStats; baseline: CycleStats; requestsOf: Map<string, string[][]> }> {
  const batches = shardBatches(
    run.devices.map((d) => d.id),
    (id) => run.keys.pollShardOf(id),
  );
  const inPollOrder = inBatchOrder(run.devices, batches);
  const poll = emptyStats();
  const baseline = emptyStats();
  // What the bare loop asks each device: the same OIDs as the poll path's GETs, in the same chunks.
  let requestsOf = new Map<string, string[][]>();
  for (let cycle = 0; cycle < options.cycles; cycle++) {
    await pollCycle(poll, run.service, batches);
    if (cycle === 0) requestsOf = await requestsAfterFirstPoll(run.service, run.states, run.devices);
    await baselineCycle(baseline, inPollOrder, requestsOf, run.sessions, options.concurrency);
    say(
      `cycle ${cycle + 1}: poll path ${poll.cycle_walls_s.at(-1)} s wall, ${poll.cycle_cpus_s.at(-1)} s CPU; bare net-snmp ${baseline.cycle_walls_s.at(-1)} s wall, ${baseline.cycle_cpus_s.at(-1)} s CPU`,
    );
  }
  return { poll, baseline, requestsOf };
}

/** What each side does in a cycle, printed with the result so the ratio is read for what it is. */
function fairness(
  options: PollBenchOptions,
  sessions: number,
  socket: PollBenchResult['poll_socket'],
): PollBenchResult['fairness'] {
  const sends =
    socket === 'batch'
      ? 'GETs through one socket, a turn of the event loop sent together (sendmmsg) and answers read together (recvmmsg)'
      : 'GETs through one dgram socket, a system call a datagram';
  return {
    poll_path: `per device: inventory record and stored state read from Redis, ${sends} (the first cycle walks the tables of one device per inventory model, the others of the model borrow its rows; devices without a model walk their own), decode, rates, detection; state, status indexes, finding changes and counters written back to Redis`,
    baseline: `net-snmp, one session per device created on first use and kept across cycles (${sessions} sessions; past the descriptor limit devices share them round-robin), the same GETs in the same chunks, nothing done with the answers`,
    both: `the same devices and OIDs in the same order (the poll shards'), at most ${options.concurrency} devices in flight (the poll path: batches of up to ${POLL_BATCH} devices of one poll shard, as a shard tick claims them, ${POLL_BATCHES_AT_ONCE} at once, their polls under one cap of ${options.concurrency}, each batch read from Redis ${LOAD_CHUNK} devices at a time and written ${WRITE_CHUNK} at a time as it goes), timeout ${options.timeoutMs} ms, ${options.retries} retries, v2c, one process; cycles interleaved (poll path, then the loop) so both meet the same machine`,
  };
}

/**
 * The poll path (what a poller runs: inventory record, stored state, request, decode, rates,
 * detection, state written back to Redis) against a bare net-snmp loop with a session per device
 * over the same devices and the same OIDs, cycles interleaved so both meet the same conditions.
 */
export async function runPollBench(
  options: PollBenchOptions,
  say: (line: string) => void,
): Promise<PollBenchResult> {
  if (options.warmUp) {
    say('warm-up: a whole run of both sides on devices of its own, discarded');
    await measuredRun({ ...options, warmUp: false, firstOctet: otherBlock(options.firstOctet) }, () => {});
  }
  return measuredRun(options, say);
}

async function measuredRun(options: PollBenchOptions, say: (line: string) => void): Promise<PollBenchResult> {
  const source = await benchFleetSource(options, say);
  const devices = source.inventory.devices.map((d) => ({ ...d, auth: 'bench' }));
  const redis = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-poll');
  await waitForRedis(redis);
  const keys = createRedisKeys(`vigil-bench-${randomBytes(4).toString('hex')}`);
  const transport = new UdpGetTransport({ batched: options.dgram !== true });
  const sessions = createBareNetSnmpSessions({ ...options, community: source.community });
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
      inFlight: new InFlightLimit(options.concurrency),
    });
    const { poll, baseline, requestsOf } = await runCycles(options, say, {
      service,
      states,
      devices,
      sessions,
      keys,
    });
    const firstRequests = requestsOf.get(devices[0]?.id ?? '') ?? [];
    return pollReport(
      poll,
      { ...baseline, sessions: sessions.sessions },
      {
        devices: devices.length,
        processWarmedUp: options.warmUp === true,
        concurrency: options.concurrency,
        varbindsPerDevice: firstRequests.reduce((n, r) => n + r.length, 0),
        redisUsedMb: Math.round(((await usedMemory()) - memoryBefore) / 2 ** 20),
        redisKeysMb: Number(((await prefixMemoryBytes(redis, keys.prefix)) / 2 ** 20).toFixed(1)),
        pollSocket: transport.batched ? 'batch' : 'dgram',
        fairness: fairness(options, sessions.sessions, transport.batched ? 'batch' : 'dgram'),
      },
    );
  } finally {
    sessions.close();
    await transport.close();
    await deleteKeyPrefix(redis, keys.prefix);
    redis.disconnect();
    await source.sim?.stop();
  }
}

/** The simulator's address block for a warm-up run: the next one (the one before, at the top). */
function otherBlock(firstOctet: number): number {
  return firstOctet >= 255 ? firstOctet - 1 : firstOctet + 1;
}
