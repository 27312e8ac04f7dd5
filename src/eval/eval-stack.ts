import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBenchChild, type BenchChild } from '../bench/bench-child.js';
import { httpJson, httpJsonRetrying, type HttpAnswer } from '../bench/bench-http.js';
import { freeUdpPort } from '../platform/free-udp-port.js';
import { writeProbes } from '../bench/write-probes.js';
import { deleteKeyPrefix } from '../platform/delete-key-prefix.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import type { EvalFleet } from './eval-scenario.js';

export interface EvalStackOptions {
  redisUrl: string;
  /** The shipped probes, copied with the run's interval. */
  probesDir: string;
  playbooksDir: string;
  intervalSeconds: number;
  fleet: EvalFleet;
  /** Address block of this run's fleet (127.<n>.0.1 on), so concurrent runs never share an address. */
  firstOctet: number;
  /** How long a rebooted simulated device stays silent. */
  rebootSeconds: number;
}

export type Role = 'agent' | 'noc' | 'admin';

/** One scenario's system under test: `vigil sim` and `vigil serve` as processes, over a Redis prefix of its own. */
export interface EvalStack {
  api: (method: string, path: string, role: Role, body?: unknown) => Promise<HttpAnswer>;
  control: (method: string, path: string, body?: unknown) => Promise<HttpAnswer>;
  close: () => Promise<void>;
}

const secret = (): string => randomBytes(18).toString('base64url');

/** `vigil serve` polling every `intervalSeconds`, outages settling in two intervals (the fast-test knobs). */
export function serveEnv(
  options: EvalStackOptions,
  run: { prefix: string; probesDir: string; trapPort: number },
  secrets: Record<Role | 'community' | 'write', string>,
): Record<string, string> {
  const interval = options.intervalSeconds;
  return {
    REDIS_URL: options.redisUrl,
    VIGIL_REDIS_PREFIX: run.prefix,
    VIGIL_LOG_LEVEL: 'info',
    VIGIL_API_KEYS: `agent:${secrets.agent},noc:${secrets.noc},admin:${secrets.admin}`,
    VIGIL_SNMP_SIM_VERSION: '2c',
    VIGIL_SNMP_SIM_COMMUNITY: secrets.community,
    VIGIL_SNMP_SIM_WRITE_COMMUNITY: secrets.write,
    VIGIL_TRAP_HOST: '127.0.0.1',
    VIGIL_TRAP_PORT: String(run.trapPort),
    VIGIL_PROBES_DIR: run.probesDir,
    VIGIL_PLAYBOOKS_DIR: resolve(options.playbooksDir),
    VIGIL_POLL_SHARDS: '8',
    VIGIL_PROBE_MIN_INTERVAL_SECONDS: String(interval),
    VIGIL_POLL_TICK_SECONDS: String(interval / 4),
    VIGIL_POLL_SYNC_SECONDS: '1',
    // A parent is found silent up to an interval after its children: their own trouble waits longer.
    VIGIL_OUTAGE_SETTLE_SECONDS: String(Math.max(2, 2 * interval)),
    VIGIL_OUTAGE_RESOLVE_SECONDS: String(Math.max(2, 2 * interval)),
    // A NOC reboot is verified within the scenario's time, so a reboot that did not help escalates.
    VIGIL_REBOOT_VERIFY_SECONDS: '30',
    VIGIL_HOST: '127.0.0.1',
    VIGIL_PORT: '0',
  };
}

export function simArgs(
  options: EvalStackOptions,
  inventoryPath: string,
  port: number,
  trapPort: number,
): string[] {
  const { fleet } = options;
  return [
    'sim',
    ...['--devices', String(fleet.devices), '--fanout', String(fleet.fanout), '--seed', String(fleet.seed)],
    ...['--stale-share', '0', '--reboot-seconds', String(options.rebootSeconds)],
    ...['--inventory-out', inventoryPath, '--control-port', '0'],
    ...['--first-octet', String(options.firstOctet), '--port', String(port)],
    ...['--trap-target', `127.0.0.1:${trapPort}`],
  ];
}

/**
 * Starts the simulator and the service, imports the fleet through the API and returns once every
 * device has been polled (none left `unknown`): the scenario's clock starts on a warm fleet.
 */
export async function startEvalStack(options: EvalStackOptions): Promise<EvalStack> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-eval-'));
  const prefix = `vigil-eval-${randomBytes(4).toString('hex')}`;
  const redis = createRedisConnection(options.redisUrl, 'command', 'vigil-eval');
  const children: BenchChild[] = [];
  const close = async (): Promise<void> => {
    for (const child of [...children].reverse()) await child.stop();
    await deleteKeyPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForRedis(redis);
    const probesDir = join(dir, 'probes');
    // Two tries of 40% of the interval each: as long as the rule (timeout × tries < interval) allows,
    // so a loaded machine's stalls are not taken for silent devices.
    const timeoutMs = Math.min(2_000, Math.floor(options.intervalSeconds * 400));
    writeProbes(options.probesDir, probesDir, options.intervalSeconds, { timeoutMs });
    const secrets = { agent: secret(), noc: secret(), admin: secret(), community: secret(), write: secret() };
    const [trapPort, simPort] = [await freeUdpPort(), await freeUdpPort()];
    const inventoryPath = join(dir, 'inventory.json');
    const simEnv = {
      VIGIL_SNMP_SIM_COMMUNITY: secrets.community,
      VIGIL_SNMP_SIM_WRITE_COMMUNITY: secrets.write,
      VIGIL_LOG_LEVEL: 'info',
    };
    const env = serveEnv(options, { prefix, probesDir, trapPort }, secrets);
    // Side by side: neither needs the other to start. Both settle before going on, so the cleanup
    // stops whichever started when the other failed.
    const started = await Promise.allSettled([
      startBenchChild(
        'vigil sim',
        simArgs(options, inventoryPath, simPort, trapPort),
        simEnv,
        'simulator ready',
      ),
      startBenchChild('vigil serve', ['serve'], env, 'vigil started'),
    ]);
    for (const s of started) if (s.status === 'fulfilled') children.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [sim, serve] = children as [BenchChild, BenchChild];
    const url = String(serve.ready.url);
    const controlUrl = String(sim.ready.control);
    const api = (method: string, path: string, role: Role, body?: unknown): Promise<HttpAnswer> =>
      httpJsonRetrying(method, url + path, { authorization: `Bearer ${secrets[role]}` }, body, 60_000);
    const imported = await api('PUT', '/v1/inventory', 'admin', readFileSync(inventoryPath, 'utf8'));
    if (imported.status !== 200) throw new Error(`inventory import: ${imported.status} ${imported.text}`);
    await firstPolls(api, options.intervalSeconds);
    return { api, control: (method, path, body) => httpJson(method, controlUrl + path, {}, body), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Until no device is left `unknown` (each has been polled once), as NOC would see it. */
export async function firstPolls(
  api: (method: string, path: string, role: Role) => Promise<HttpAnswer>,
  intervalSeconds: number,
): Promise<void> {
  const deadline = Date.now() + (intervalSeconds * 5 + 60) * 1000;
  for (;;) {
    const answer = await api('GET', '/v1/devices?status=unknown&limit=1', 'noc');
    const page = JSON.parse(answer.text) as { items?: unknown[] };
    if (answer.status === 200 && page.items?.length === 0) return;
    if (Date.now() > deadline) throw new Error('the fleet was not polled once within the deadline');
    await sleep(250);
  }
}
