import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { deleteKeyPrefix } from '../../platform/delete-key-prefix.js';
import { createRedisConnection, waitForRedis } from '../../platform/redis-connection.js';
import { createRedisKeys, type RedisKeys } from '../../platform/redis-keys.js';
import { cardOverPollShards } from '../../platform/poll-shard-reads.js';
import { DEFAULT_POLLER_OPTIONS } from '../../roles/poller-role.js';
import type { InventoryDocument } from '../../sim/fleet-generator.js';
import type { BenchChild } from '../bench-child.js';
import { httpJson, type HttpAnswer } from '../bench-http.js';
import { freeUdpPort } from '../../platform/free-udp-port.js';
import { writeProbes } from '../write-probes.js';
import { startStackServe } from './stack-serve.js';
import { startStackSim } from './stack-sim.js';

export interface StackOptions {
  redisUrl: string;
  /** The shipped probes, copied with the interval, timeout and retries below (or as shipped). */
  probesDir: string;
  /** Keep the shipped probes' own intervals, timeouts and retries (production timing). */
  shippedProbes?: boolean;
  /** The simulator sends its traps to the service (default); false: polling alone. */
  traps?: boolean;
  /** CPEs under the one base station of the fleet (one subscriber each). */
  cpes: number;
  /** Parents of the fleet, each with `cpes` CPEs (default 1: the base station `parentId`). */
  parents?: number;
  intervalSeconds: number;
  settleSeconds: number;
  /** VIGIL_POLL_SHARDS of the service. */
  pollShards: number;
  /** How often the pollers refresh the device addresses traps are matched to (VIGIL_POLL_SYNC_SECONDS). */
  pollSyncEveryMs?: number;
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
  /** Resolves once the pollers know every device's address, so a trap from any of them is taken. */
  addressesKnown(): Promise<void>;
  api(method: string, path: string, role: 'agent' | 'noc' | 'admin', body?: unknown): Promise<HttpAnswer>;
  control(method: string, path: string, body?: unknown): Promise<HttpAnswer>;
  agentHeaders: Record<string, string>;
  serveCpuSeconds(): number;
  close(): Promise<void>;
}

type Role = 'agent' | 'noc' | 'admin';

const secret = (): string => randomBytes(18).toString('base64url');

/** The run's own directory (probes, inventory), Redis prefix and children, and how to let them all go. */
function stackResources(options: StackOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-conv-'));
  const probesDir = join(dir, 'probes');
  if (options.shippedProbes) cpSync(options.probesDir, probesDir, { recursive: true });
  else writeProbes(options.probesDir, probesDir, options.intervalSeconds);
  const prefix = `vigil-bench-conv-${randomBytes(4).toString('hex')}`;
  const redis = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-conversations');
  const children: BenchChild[] = [];
  const close = async (): Promise<void> => {
    for (const child of [...children].reverse()) await child.stop();
    await deleteKeyPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    probesDir,
    prefix,
    keys: createRedisKeys(prefix, options.pollShards),
    redis,
    children,
    close,
  };
}

/**
 * The system under test as production runs it: `vigil sim` (one base station with `cpes` LTE CPEs
 * under it, traps to the service) and `vigil serve`, each a process of its own, over a Redis prefix
 * of their own; the inventory imported through the API, and every device polled once before it returns.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { dir, probesDir, prefix, keys, redis, children, close } = stackResources(options);
  const tokens = { agent: secret(), noc: secret(), admin: secret() };
  const communities = { community: secret(), writeCommunity: secret() };
  const syncEveryMs = options.pollSyncEveryMs ?? DEFAULT_POLLER_OPTIONS.syncEveryMs;
  try {
    await waitForRedis(redis);
    const trapPort = await freeUdpPort();
    const sim = await startStackSim({
      ...options,
      trapPort,
      inventoryPath: join(dir, 'inventory.json'),
      env: {
        VIGIL_SNMP_SIM_COMMUNITY: communities.community,
        VIGIL_SNMP_SIM_WRITE_COMMUNITY: communities.writeCommunity,
      },
    });
    children.push(sim.sim);
    const serve = await startStackServe(
      { ...options, ...communities, prefix, tokens, trapPort, probesDir },
      children,
    );
    const url = String(serve[0]?.ready.url);
    const bearer = (role: Role): Record<string, string> => ({ authorization: `Bearer ${tokens[role]}` });
    const api = (method: string, path: string, role: Role, body?: unknown) =>
      httpJson(method, url + path, bearer(role), body, 120_000);
    const imported = await api('PUT', '/v1/inventory', 'admin', sim.inventoryText);
    if (imported.status !== 200) throw new Error(`inventory import: ${imported.status} ${imported.text}`);
    const importedAt = performance.now();
    const firstCycleSeconds = await firstPolls(redis, keys, sim.inventory.devices.length, options);
    return {
      url,
      controlUrl: sim.controlUrl,
      prefix,
      keys,
      redis,
      inventory: sim.inventory,
      parentId: sim.parentId,
      sim: sim.sim,
      serve,
      trapPort,
      firstCycleSeconds,
      // The pollers learn the devices' addresses (to know whose trap it is) at every sync: until the
      // first one after the import, a trap from a new device is dropped as from an unknown address.
      addressesKnown: () => sleep(Math.max(0, importedAt + syncEveryMs + 1_000 - performance.now())),
      api,
      control: (method, path, body) => httpJson(method, sim.controlUrl + path, {}, body),
      agentHeaders: bearer('agent'),
      serveCpuSeconds: () => serve.reduce((sum, child) => sum + child.cpuSeconds(), 0),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until every device is in the pollers' status index as up; the seconds that took, said. */
async function firstPolls(
  redis: Redis,
  keys: RedisKeys,
  devices: number,
  options: { intervalSeconds: number; say: (line: string) => void },
): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + (options.intervalSeconds * 3 + 120) * 1000;
  for (;;) {
    const up = await cardOverPollShards(redis, keys, (shard) => keys.devicesByStatus('up', shard));
    if (up >= devices) {
      const seconds = (performance.now() - started) / 1000;
      options.say(`inventory imported; all ${devices} devices polled once in ${seconds.toFixed(1)} s`);
      return seconds;
    }
    if (Date.now() > deadline) throw new Error(`only ${up} of ${devices} devices up after the first polls`);
    await sleep(250);
  }
}
