import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchChild, type BenchChild } from '../bench/bench-child.js';
import { httpJson, httpJsonRetrying, type HttpAnswer } from '../bench/bench-http.js';
import { writeProbes } from '../bench/write-probes.js';
import type { InventoryDocument } from '../sim/fleet-generator.js';
import { firstPolls, serveEnv, simArgs } from '../eval/eval-stack.js';
import { freeUdpPort } from '../platform/free-udp-port.js';

export type DrillRole = 'agent' | 'noc' | 'admin';

export interface DrillStackOptions {
  redisUrl: string;
  probesDir: string;
  playbooksDir: string;
  intervalSeconds: number;
  fleet: { devices: number; fanout: number; seed: number };
  /** `vigil serve --roles poller` processes. */
  pollers: number;
  /** `vigil serve --roles worker` processes (advisor, actions, alerts). */
  workers: number;
  /** Address block of the drill's fleet (127.<n>.0.1 on). */
  firstOctet: number;
  rebootSeconds: number;
  /** Added to every `vigil serve`'s environment (VIGIL_REBOOT_VERIFY_SECONDS…). */
  serveEnv?: Record<string, string>;
}

/** The drill's system under test: `vigil sim` and `vigil serve` split by role, each a process. */
export interface DrillStack {
  inventory: InventoryDocument;
  apiUrl: string;
  /** The bearer token of a role, for a stream the drill opens itself. */
  token(role: DrillRole): string;
  api(method: string, path: string, role: DrillRole, body?: unknown, timeoutMs?: number): Promise<HttpAnswer>;
  control(method: string, path: string, body?: unknown): Promise<HttpAnswer>;
  /** Every `vigil serve` process by name: api, poller-1, poller-2…, worker-1… */
  serve: Map<string, BenchChild>;
  /**
   * Starts the named `vigil serve` again with `extraEnv` added (stopping it first if it still runs):
   * a killed process's supervisor restart, or a process re-armed (VIGIL_FAILPOINTS). The API comes
   * back on its port, so `apiUrl` holds.
   */
  restart(name: string, extraEnv?: Record<string, string>): Promise<BenchChild>;
  close(): Promise<void>;
}

const secret = (): string => randomBytes(18).toString('base64url');

type Secrets = Record<DrillRole | 'community' | 'write', string>;

/** API keys and communities made for the run: nothing of the drill's is a secret anywhere else. */
function drillSecrets(): Secrets {
  return { agent: secret(), noc: secret(), admin: secret(), community: secret(), write: secret() };
}

/**
 * `vigil serve`'s environment as vigil eval sets it (eval-stack.ts: fast polls, short settle times), with
 * the drill's own additions.
 */
function drillServeEnv(
  options: DrillStackOptions,
  run: { prefix: string; probesDir: string; trapPort: number },
  secrets: Secrets,
): Record<string, string> {
  return { ...serveEnv(options, run, secrets), ...options.serveEnv };
}

/** The `vigil serve` processes by name, in the order they start: the API first, then pollers, then workers. */
function serveProcesses(options: DrillStackOptions): [string, string][] {
  const names: [string, string][] = [['api', 'api']];
  for (let n = 1; n <= options.pollers; n++) names.push([`poller-${n}`, 'poller']);
  for (let n = 1; n <= options.workers; n++) names.push([`worker-${n}`, 'worker']);
  return names;
}

/**
 * Starts the simulator and `vigil serve` split by role over the drill's Redis, imports the fleet through
 * the API and returns once every device has been polled once.
 */
export async function startDrillStack(options: DrillStackOptions): Promise<DrillStack> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-drill-'));
  const prefix = `vigil-drill-${randomBytes(4).toString('hex')}`;
  const children: BenchChild[] = [];
  const serve = new Map<string, BenchChild>();
  const close = async (): Promise<void> => {
    await Promise.all([...children].reverse().map((child) => child.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const probesDir = join(dir, 'probes');
    writeProbes(options.probesDir, probesDir, options.intervalSeconds);
    const secrets = drillSecrets();
    // Below the ephemeral range: a port bind(0) handed out may be some other socket's by the time it is bound.
    const [trapPort, simPort] = [await freeUdpPort(), await freeUdpPort()];
    const inventoryPath = join(dir, 'inventory.json');
    const simEnv = {
      VIGIL_SNMP_SIM_COMMUNITY: secrets.community,
      VIGIL_SNMP_SIM_WRITE_COMMUNITY: secrets.write,
      VIGIL_LOG_LEVEL: 'info',
    };
    const sim = await startBenchChild(
      'vigil sim',
      simArgs(options, inventoryPath, simPort, trapPort),
      simEnv,
      'simulator ready',
    );
    children.push(sim);
    const env = drillServeEnv(options, { prefix, probesDir, trapPort }, secrets);
    for (const [name, role] of serveProcesses(options)) {
      const child = await startServe(name, role, env);
      children.push(child);
      serve.set(name, child);
    }
    const apiUrl = String(serve.get('api')?.ready.url);
    const controlUrl = String(sim.ready.control);
    const api: DrillStack['api'] = (method, path, role, body, timeoutMs = 30_000) =>
      httpJson(method, apiUrl + path, { authorization: `Bearer ${secrets[role]}` }, body, timeoutMs);
    const imported = await importInventory(apiUrl, secrets.admin, readFileSync(inventoryPath, 'utf8'));
    if (imported.status !== 200) throw new Error(`inventory import: ${imported.status} ${imported.text}`);
    await firstPolls(api, options.intervalSeconds);
    return {
      inventory: JSON.parse(readFileSync(inventoryPath, 'utf8')) as InventoryDocument,
      apiUrl,
      token: (role) => secrets[role],
      api,
      control: (method, path, body) => httpJson(method, controlUrl + path, {}, body),
      serve,
      restart: restarter(options, env, apiUrl, { serve, children }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One `vigil serve --roles <role>`, started and ready. */
function startServe(name: string, role: string, env: Record<string, string>): Promise<BenchChild> {
  return startBenchChild(`vigil serve (${name})`, ['serve', '--roles', role], env, 'vigil started');
}

/** DrillStack.restart over the stack's processes (see there). */
function restarter(
  options: DrillStackOptions,
  env: Record<string, string>,
  apiUrl: string,
  processes: { serve: Map<string, BenchChild>; children: BenchChild[] },
): DrillStack['restart'] {
  const roles = new Map(serveProcesses(options));
  const { serve, children } = processes;
  return async (name, extraEnv = {}) => {
    const role = roles.get(name);
    const old = serve.get(name);
    if (!role || !old) throw new Error(`the drill stack has no ${name}`);
    if (old.running) await old.stop();
    const port: Record<string, string> = role === 'api' ? { VIGIL_PORT: new URL(apiUrl).port } : {};
    const child = await startServe(name, role, { ...env, ...port, ...extraEnv });
    children.splice(children.indexOf(old), 1, child);
    serve.set(name, child);
    return child;
  };
}

/** The fleet through PUT /v1/inventory, asked again while a just-started API sheds load, as a sync job would. */
function importInventory(apiUrl: string, adminKey: string, inventory: string): Promise<HttpAnswer> {
  return httpJsonRetrying(
    'PUT',
    `${apiUrl}/v1/inventory`,
    { authorization: `Bearer ${adminKey}` },
    inventory,
    60_000,
  );
}
