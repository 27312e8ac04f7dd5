import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createRedisConnection, waitForRedis } from '../../platform/redis-connection.js';
import { createRedisKeys, type RedisKeys } from '../../platform/redis-keys.js';
import { startBenchChild, type BenchChild } from '../bench-child.js';
import { BULK_NICE, serveEnv } from '../conversation/stack-serve.js';
import { reniceProcess } from '../../platform/renice-process.js';
import { freeUdpPort } from '../../platform/free-udp-port.js';
import { writeProbes } from '../write-probes.js';
import type { FleetBenchOptions } from './fleet-bench-options.js';
import { startFleetRedis, type FleetRedis } from './fleet-redis.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const run = promisify(execFile);

/** The processes of a fleet run, by role, over a redis-server of the bench's own. */
export interface FleetStack {
  redis: Redis;
  redisServer: FleetRedis;
  /** A plain connection to each master, for its own INFO. */
  masters: Redis[];
  keys: RedisKeys;
  sim: BenchChild;
  api: BenchChild;
  pollers: BenchChild[];
  worker: BenchChild;
  apiUrl: string;
  agentHeaders: Record<string, string>;
  simStartSeconds: number;
  importSeconds: number;
  close(): Promise<void>;
}

const secret = (): string => randomBytes(18).toString('base64url');

/** `vigil inventory import` as a child (a million devices' document parses in its heap, not the bench's). */
async function importInventory(path: string, env: Record<string, string>): Promise<number> {
  const started = performance.now();
  await run(process.execPath, ['--max-old-space-size=8192', MAIN, 'inventory', 'import', path], {
    env: { ...process.env, ...env, VIGIL_LOG_LEVEL: 'warn' },
    maxBuffer: 16 * 2 ** 20,
    timeout: 30 * 60_000,
  });
  return (performance.now() - started) / 1000;
}

/** `vigil serve`'s environment for the run: the private Redis, fresh keys and communities, the probes. */
async function fleetEnv(
  options: FleetBenchOptions,
  redisUrl: string,
  probesDir: string,
  say: (l: string) => void,
) {
  const tokens = { agent: secret(), noc: secret(), admin: secret() };
  const env = serveEnv({
    redisUrl,
    prefix: PREFIX,
    tokens,
    community: secret(),
    writeCommunity: secret(),
    trapPort: await freeUdpPort(),
    probesDir,
    pollShards: options.pollShards,
    opensPerKeyPerMinute: Math.max(6_000, options.opensRate * 120),
    settleSeconds: 90,
    split: true,
    say,
  });
  // On a cluster the busy queues spread over several shards a master (README, Redis Cluster).
  const masters = options.redisMasters ?? 1;
  if (masters > 1) env.VIGIL_QUEUE_SHARDS = String(QUEUE_SHARDS_PER_MASTER * masters);
  return { env, tokens };
}

/** `vigil sim` with the run's fleet, its inventory written to `inventoryPath`. */
async function startSim(options: FleetBenchOptions, community: string, inventoryPath: string) {
  return startBenchChild(
    'vigil sim',
    [
      'sim',
      ...['--devices', String(options.devices), '--fanout', String(options.fanout)],
      ...['--stale-share', '0', '--inventory-out', inventoryPath, '--control-port', '0'],
      ...['--first-octet', String(options.firstOctet), '--port', String(options.port)],
      ...(options.sharedSocket ? ['--shared-socket'] : []),
    ],
    { VIGIL_SNMP_SIM_COMMUNITY: community, VIGIL_LOG_LEVEL: 'info' },
    'simulator ready',
    { timeoutMs: 30 * 60_000 },
  );
}

const PREFIX = 'vigil-bench-fleet';
/** Slot ownership places queue shards unevenly (12 over 3 masters fell 6/3/3): several per master. */
const QUEUE_SHARDS_PER_MASTER = 4;

/** `vigil serve --roles <roles>`, pushed to `children` once it runs. */
async function startServe(
  roles: string,
  env: Record<string, string>,
  children: BenchChild[],
  say: (l: string) => void,
): Promise<BenchChild> {
  const child = await startBenchChild(
    `vigil serve (${roles})`,
    ['serve', '--roles', roles],
    env,
    'vigil started',
    // A poller reads and schedules the whole inventory before it says it started.
    { timeoutMs: 30 * 60_000 },
  );
  children.push(child);
  // As deploy/systemd runs them: pollers and workers below the API (Nice=10), so that opens are not
  // answered behind a million devices' polls on a shared machine.
  if (roles !== 'api') reniceProcess(child.pid, BULK_NICE);
  say(`service: vigil serve --roles ${roles} (pid ${child.pid})`);
  return child;
}

/**
 * `vigil sim` and `vigil serve` split by role (api, `pollers` pollers, worker), each a process of its
 * own, over a private redis-server; the simulator's inventory imported by `vigil inventory import`.
 */
export async function startFleetStack(
  options: FleetBenchOptions,
  say: (line: string) => void,
): Promise<FleetStack> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-fleet-'));
  const children: BenchChild[] = [];
  let redisServer: FleetRedis | undefined;
  let redis: Redis | undefined;
  const masters: Redis[] = [];
  const close = closeOnce(children, dir, () => ({ redis, redisServer, masters }));
  // Interrupted while starting: what already runs stops all the same (runFleetBench takes over after).
  const interrupted = stopOnSignal(close);
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  try {
    redisServer = await startFleetRedis(options.redisMasters ?? 1);
    redis = createRedisConnection(redisServer.url, 'worker', 'vigil-bench-fleet');
    await waitForRedis(redis);
    for (const { port } of redisServer.masters) masters.push(new Redis({ host: '127.0.0.1', port }));
    const probesDir = join(dir, 'probes');
    writeProbes(options.probesDir, probesDir, options.intervalSeconds);
    const { env, tokens } = await fleetEnv(options, redisServer.url, probesDir, say);
    const simStarted = performance.now();
    const inventoryPath = join(dir, 'inventory.json');
    const sim = await startSim(options, env.VIGIL_SNMP_SIM_COMMUNITY as string, inventoryPath);
    children.push(sim);
    // The simulator stands in for devices on other machines: no more ahead of the API than the pollers.
    reniceProcess(sim.pid, BULK_NICE);
    const simStartSeconds = (performance.now() - simStarted) / 1000;
    say(`simulator: ${options.devices} devices in ${simStartSeconds.toFixed(1)} s (pid ${sim.pid})`);
    const importSeconds = await importInventory(inventoryPath, env);
    rmSync(inventoryPath, { force: true });
    say(`inventory imported in ${importSeconds.toFixed(1)} s`);
    const start = (roles: string) => startServe(roles, env, children, say);
    const api = await start('api');
    const worker = await start('worker');
    const pollers: BenchChild[] = [];
    for (let p = 0; p < options.pollers; p++) pollers.push(await start('poller'));
    return {
      redis,
      redisServer,
      masters,
      keys: createRedisKeys(PREFIX, options.pollShards),
      sim,
      api,
      pollers,
      worker,
      apiUrl: String(api.ready.url),
      agentHeaders: { authorization: `Bearer ${tokens.agent}` },
      simStartSeconds,
      importSeconds,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

/** The stack's stop, run once whoever asks first (a signal, a failed start, the end of the run). */
function closeOnce(
  children: BenchChild[],
  dir: string,
  connections: () => { redis: Redis | undefined; redisServer: FleetRedis | undefined; masters: Redis[] },
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      // All at once: each may take its whole stop deadline (15 s) when loaded, and one after another a
      // million-device stack took over a minute to let go of the machine.
      await Promise.all(children.map((child) => child.stop()));
      const { redis, redisServer, masters } = connections();
      redis?.disconnect();
      for (const master of masters) master.disconnect();
      await redisServer?.close();
      rmSync(dir, { recursive: true, force: true });
    })());
}

/**
 * A signal handler that stops the stack and exits 130; a second signal exits at once (the children
 * are then killed by child-process.ts's exit hook): an operator pressing Ctrl-C twice is not kept
 * waiting on stop deadlines.
 */
export function stopOnSignal(close: () => Promise<void>): () => void {
  let stopping = false;
  return () => {
    if (stopping) process.exit(130);
    stopping = true;
    void close().finally(() => process.exit(130));
  };
}
