import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { deleteKeyPrefix } from '../platform/delete-key-prefix.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import { createRedisKeys, type RedisKeys } from '../platform/redis-keys.js';
import { DEFAULT_POLLER_OPTIONS } from '../roles/poller-role.js';
import type { InventoryDocument } from '../sim/fleet-generator.js';
import { startBenchChild, type BenchChild } from './bench-child.js';
import { httpJson, type HttpAnswer } from './bench-http.js';

export interface StackOptions {
  redisUrl: string;
  /** The shipped probes, copied with the interval, timeout and retries below. */
  probesDir: string;
  /** CPEs under the one base station of the fleet (one subscriber each). */
  cpes: number;
  intervalSeconds: number;
  settleSeconds: number;
  /** VIGIL_POLL_SHARDS of the service. */
  pollShards: number;
  firstOctet: number;
  port: number;
  /** `api` in one process and `poller,worker` in another, instead of one process with all three. */
  split: boolean;
  /** Run the service with --cpu-prof, profiles written here when it stops. */
  cpuProfDir?: string;
  /** VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE: the bench opens through one agent key, at its --rate. */
  opensPerKeyPerMinute: number;
  say: (line: string) => void;
}

export interface Stack {
  url: string;
  controlUrl: string;
  prefix: string;
  keys: RedisKeys;
  redis: Redis;
  inventory: InventoryDocument;
  parentId: string;
  sim: BenchChild;
  /** The `vigil serve` processes: one, or the api and the poller+worker when split. */
  serve: BenchChild[];
  trapPort: number;
  /** Seconds from the inventory import until every device had been polled once. */
  firstCycleSeconds: number;
  api(method: string, path: string, role: 'agent' | 'noc' | 'admin', body?: unknown): Promise<HttpAnswer>;
  control(method: string, path: string, body?: unknown): Promise<HttpAnswer>;
  agentHeaders: Record<string, string>;
  serveCpuSeconds(): number;
  close(): Promise<void>;
}

/** The pollers' schedule sync and device address refresh (DEFAULT_POLLER_OPTIONS.syncEveryMs). */
const ADDRESS_INDEX_REFRESH_MS = DEFAULT_POLLER_OPTIONS.syncEveryMs;

const secret = (): string => randomBytes(18).toString('base64url');

/** A UDP port free now on 127.0.0.1 (the service binds it a moment later). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * The system under test as production runs it: `vigil sim` (one base station with `cpes` LTE CPEs
 * under it, traps to the service) and `vigil serve`, each a process of its own, over a Redis prefix
 * of their own; the inventory imported through the API, and every device polled once before it returns.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { say } = options;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-conv-'));
  const probesDir = join(dir, 'probes');
  writeProbes(options.probesDir, probesDir, options.intervalSeconds);
  const inventoryPath = join(dir, 'inventory.json');
  const prefix = `vigil-bench-conv-${randomBytes(4).toString('hex')}`;
  const keys = createRedisKeys(prefix);
  const redis = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-conversations');
  const tokens = { agent: secret(), noc: secret(), admin: secret() };
  const community = secret();
  const trapPort = await freeUdpPort();
  const children: BenchChild[] = [];
  const close = async (): Promise<void> => {
    for (const child of [...children].reverse()) await child.stop();
    await deleteKeyPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForRedis(redis);
    const simEnv = { VIGIL_SNMP_SIM_COMMUNITY: community, VIGIL_SNMP_SIM_WRITE_COMMUNITY: secret() };
    const sim = await startBenchChild(
      'vigil sim',
      [
        'sim',
        '--devices',
        String(options.cpes + 1),
        '--fanout',
        String(options.cpes),
        '--stale-share',
        '0',
        '--inventory-out',
        inventoryPath,
        '--control-port',
        '0',
        '--first-octet',
        String(options.firstOctet),
        '--port',
        String(options.port),
        '--trap-target',
        `127.0.0.1:${trapPort}`,
      ],
      { ...simEnv, VIGIL_LOG_LEVEL: 'info' },
      'simulator ready',
    );
    children.push(sim);
    const controlUrl = String(sim.ready.control);
    say(
      `simulator: ${String(sim.ready.devices)} devices at ${String(sim.ready.addresses)} in ${String(sim.ready.startMs)} ms (pid ${sim.pid})`,
    );
    const inventoryText = readFileSync(inventoryPath, 'utf8');
    const inventory = JSON.parse(inventoryText) as InventoryDocument;
    const parent = inventory.devices.find((d) => d.parentId === null);
    if (!parent) throw new Error('the generated fleet has no parent device');

    const env: Record<string, string> = {
      REDIS_URL: options.redisUrl,
      VIGIL_REDIS_PREFIX: prefix,
      VIGIL_LOG_LEVEL: 'info',
      VIGIL_API_KEYS: `agent:${tokens.agent},noc:${tokens.noc},admin:${tokens.admin}`,
      VIGIL_SNMP_SIM_VERSION: '2c',
      VIGIL_SNMP_SIM_COMMUNITY: community,
      VIGIL_SNMP_SIM_WRITE_COMMUNITY: simEnv.VIGIL_SNMP_SIM_WRITE_COMMUNITY,
      VIGIL_TRAP_HOST: '127.0.0.1',
      VIGIL_TRAP_PORT: String(trapPort),
      VIGIL_PROBES_DIR: probesDir,
      VIGIL_POLL_SHARDS: String(options.pollShards),
      VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE: String(options.opensPerKeyPerMinute),
      VIGIL_OUTAGE_SETTLE_SECONDS: String(options.settleSeconds),
      VIGIL_OUTAGE_RESOLVE_SECONDS: '2',
      VIGIL_HOST: '127.0.0.1',
      VIGIL_PORT: '0',
    };
    const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
    const groups = options.split ? ['api', 'poller,worker'] : ['api,poller,worker'];
    for (const roles of groups) {
      const child = await startBenchChild(
        `vigil serve (${roles})`,
        ['serve', '--roles', roles],
        env,
        'vigil started',
        {
          nodeArgs,
        },
      );
      children.push(child);
      say(`service: vigil serve --roles ${roles} (pid ${child.pid})`);
    }
    const serve = children.slice(1);
    const url = String(serve[0]?.ready.url);
    const bearer = (role: 'agent' | 'noc' | 'admin'): Record<string, string> => ({
      authorization: `Bearer ${tokens[role]}`,
    });
    const api = (method: string, path: string, role: 'agent' | 'noc' | 'admin', body?: unknown) =>
      httpJson(method, url + path, bearer(role), body, 120_000);
    const control = (method: string, path: string, body?: unknown) =>
      httpJson(method, controlUrl + path, {}, body);

    const imported = await api('PUT', '/v1/inventory', 'admin', inventoryText);
    if (imported.status !== 200) throw new Error(`inventory import: ${imported.status} ${imported.text}`);
    const importedAt = performance.now();
    // Every device polled once (in the pollers' status index as up) before anything is measured.
    const devices = inventory.devices.length;
    const deadline = Date.now() + (options.intervalSeconds * 3 + 120) * 1000;
    for (;;) {
      const up = await redis.zcard(keys.devicesByStatus('up'));
      if (up >= devices) break;
      if (Date.now() > deadline) throw new Error(`only ${up} of ${devices} devices up after the first polls`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const firstCycleSeconds = (performance.now() - importedAt) / 1000;
    say(`inventory imported; all ${devices} devices polled once in ${firstCycleSeconds.toFixed(1)} s`);
    // The pollers learn the devices' addresses (to know whose trap it is) every 15 s: until the first
    // refresh after the import, a trap from a new device is dropped as from an unknown address.
    const indexWait = importedAt + ADDRESS_INDEX_REFRESH_MS + 1_000 - performance.now();
    if (indexWait > 0) await new Promise((resolve) => setTimeout(resolve, indexWait));

    return {
      url,
      controlUrl,
      prefix,
      keys,
      redis,
      inventory,
      parentId: parent.id,
      sim,
      serve,
      trapPort,
      firstCycleSeconds,
      api,
      control,
      agentHeaders: bearer('agent'),
      serveCpuSeconds: () => serve.reduce((sum, child) => sum + child.cpuSeconds(), 0),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The shipped probes with one interval (a probe allows 5 s at least), a 1 s timeout and 1 retry. */
export function writeProbes(from: string, to: string, intervalSeconds: number): void {
  mkdirSync(to);
  for (const name of readdirSync(from)) {
    if (!name.endsWith('.yaml') && !name.endsWith('.yml')) continue;
    const text = readFileSync(join(from, name), 'utf8')
      .replace(/^interval: .*$/m, `interval: ${intervalSeconds}s`)
      .replace(/^timeout: .*$/m, 'timeout: 1s')
      .replace(/^retries: .*$/m, 'retries: 1');
    writeFileSync(join(to, name), text);
  }
}
