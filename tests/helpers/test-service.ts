import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildService, type ChildService } from '../../src/demo/child-service.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { TEST_COMMUNITY, TEST_WRITE_COMMUNITY } from './test-simulator.js';
import { TEST_REDIS_URL } from './test-redis.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface ProposedSuggestion {
  id: string;
  kind: string;
  state: string;
  text: string;
}

export interface TestService {
  url: string;
  keys: { agent: string; noc: string; admin: string };
  env: Record<string, string>;
  /** `vigil serve` processes started so far, by name. */
  processes: Map<string, ChildService>;
  start(name: string, roles: string): Promise<ChildService>;
  /** Waits until the advisor proposes `kind` to the subscriber (as NOC sees it in the diagnosis), text matching. */
  proposed(
    subscriberId: string,
    kind: string,
    options?: { text?: RegExp; timeoutMs?: number },
  ): Promise<ProposedSuggestion>;
  api<T>(
    method: string,
    path: string,
    key: 'agent' | 'noc' | 'admin',
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * `vigil serve` as production runs it — built, in child processes, over a real Redis prefix — polling
 * a test simulator with the shipped probes at a 5 s interval (the shortest a probe allows), and short
 * outage settle and resolve times. `roles` per process, so a test can kill the worker alone.
 */
export async function startTestService(
  sim: Simulator,
  prefix: string,
  processes: { name: string; roles: string }[] = [{ name: 'all', roles: 'api,poller,worker' }],
  extraEnv: Record<string, string> = {},
): Promise<TestService> {
  const probesDir = mkdtempSync(join(tmpdir(), 'vigil-probes-'));
  for (const name of readdirSync('probes')) {
    const text = readFileSync(join('probes', name), 'utf8')
      .replace(/^interval: .*$/m, 'interval: 5s')
      .replace(/^timeout: .*$/m, 'timeout: 1s')
      .replace(/^retries: .*$/m, 'retries: 1');
    writeFileSync(join(probesDir, name), text);
  }
  const keys = { agent: token(), noc: token(), admin: token() };
  // Ports the OS hands out as free now: a random one may be in use as some socket's ephemeral port.
  const port = await freePort('tcp');
  const env: Record<string, string> = {
    REDIS_URL: TEST_REDIS_URL,
    VIGIL_REDIS_PREFIX: prefix,
    VIGIL_LOG_LEVEL: 'info',
    VIGIL_API_KEYS: `agent:${keys.agent},noc:${keys.noc},admin:${keys.admin}`,
    VIGIL_SNMP_SIM_VERSION: '2c',
    VIGIL_SNMP_SIM_COMMUNITY: TEST_COMMUNITY,
    VIGIL_SNMP_SIM_WRITE_COMMUNITY: TEST_WRITE_COMMUNITY,
    VIGIL_TRAP_PORT: String(await freePort('udp')),
    VIGIL_PROBES_DIR: probesDir,
    VIGIL_POLL_SHARDS: '8',
    VIGIL_OUTAGE_SETTLE_SECONDS: '2',
    VIGIL_OUTAGE_RESOLVE_SECONDS: '2',
    VIGIL_REBOOT_VERIFY_SECONDS: '30',
    VIGIL_PORT: String(port),
    ...extraEnv,
  };
  const started = new Map<string, ChildService>();
  const start = async (name: string, roles: string): Promise<ChildService> => {
    // Only one process serves HTTP on the port; the others run without the api role.
    const child = await startChildService(
      `vigil serve ${name}`,
      ['serve', '--roles', roles],
      env,
      'vigil started',
      60_000,
      MAIN,
    );
    started.set(name, child);
    return child;
  };
  for (const p of processes) await start(p.name, p.roles);
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(method: string, path: string, key: 'agent' | 'noc' | 'admin', body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${keys[key]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  };
  const inventory = await api('PUT', '/v1/inventory', 'admin', sim.fleet.inventory);
  if (inventory.status !== 200) throw new Error(`inventory import failed: ${JSON.stringify(inventory.body)}`);
  const proposed = async (
    subscriberId: string,
    kind: string,
    options: { text?: RegExp; timeoutMs?: number } = {},
  ): Promise<ProposedSuggestion> => {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const { body } = await api<{ suggestions: ProposedSuggestion[] }>(
        'GET',
        `/v1/subscribers/${subscriberId}/diagnosis`,
        'noc',
      );
      const found = body.suggestions.find(
        (x) => x.kind === kind && x.state === 'proposed' && (options.text?.test(x.text) ?? true),
      );
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no ${kind} for ${subscriberId}: ${JSON.stringify(body.suggestions)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  return {
    url,
    keys,
    env,
    processes: started,
    start,
    proposed,
    api,
    async close() {
      for (const child of started.values()) await child.stop();
      rmSync(probesDir, { recursive: true, force: true });
    },
  };
}

function token(): string {
  return `test-${randomBytes(24).toString('base64url')}`;
}

/** A port free now on 127.0.0.1 (the service binds it a moment later). */
async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'udp') {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
