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
import { until } from './wait.js';

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

export interface TestServiceOptions {
  /**
   * Seconds between polls of every device (default 5, the production floor). Shorter lowers the floor
   * (VIGIL_PROBE_MIN_INTERVAL_SECONDS), ticks the shards four times an interval and checks the schedule
   * against the inventory every second, so a flow waits for polls a second apart, not minutes.
   */
  intervalSeconds?: number;
}

/**
 * `vigil serve` as production runs it — built, in child processes, over a real Redis prefix — polling
 * a test simulator with the shipped probes at a 5 s interval (or `options.intervalSeconds`), and short
 * outage settle and resolve times. `roles` per process, so a test can kill the worker alone.
 */
export async function startTestService(
  sim: Simulator,
  prefix: string,
  processes: { name: string; roles: string }[] = [{ name: 'all', roles: 'api,poller,worker' }],
  extraEnv: Record<string, string> = {},
  options: TestServiceOptions = {},
): Promise<TestService> {
  const intervalSeconds = options.intervalSeconds ?? 5;
  const probesDir = writeTestProbes(intervalSeconds);
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
    // Load shedding off, as in build-test-app.ts: test files share two cores, and a test must not meet a
    // 503 for a neighbour's CPU (tests/api/load-shedding.test.ts and the floods drill turn it on).
    VIGIL_SHED_EVENT_LOOP_DELAY_MS: '0',
    VIGIL_SHED_EVENT_LOOP_UTILIZATION: '0',
    VIGIL_SHED_MAX_WRITES_IN_FLIGHT: '0',
    VIGIL_PORT: String(port),
    ...(intervalSeconds < 5 ? fastPollingEnv(intervalSeconds) : {}),
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
  // Started side by side: each process is independent until the inventory below is imported. One that
  // fails to start takes the others down with it, so no test leaves a process behind.
  const starts = await Promise.allSettled(processes.map((p) => start(p.name, p.roles)));
  const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const child of started.values()) await child.stop();
    throw failed.reason;
  }
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
    let last: ProposedSuggestion[] = [];
    return until(
      async () => {
        const { body } = await api<{ suggestions: ProposedSuggestion[] }>(
          'GET',
          `/v1/subscribers/${subscriberId}/diagnosis`,
          'noc',
        );
        last = body.suggestions;
        return last.find(
          (x) => x.kind === kind && x.state === 'proposed' && (options.text?.test(x.text) ?? true),
        );
      },
      {
        timeoutMs: options.timeoutMs ?? 60_000,
        everyMs: 200,
        what: `a proposed ${kind} for ${subscriberId}`,
      },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; the diagnosis shows ${JSON.stringify(last)}`);
    });
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

/** The shipped probes every `intervalSeconds`, with timeouts that fit (a silent device gives up in time). */
function writeTestProbes(intervalSeconds: number): string {
  const probesDir = mkdtempSync(join(tmpdir(), 'vigil-probes-'));
  // timeout × (retries + 1) must stay under the interval: 1 s at 5 s, 0.35 s at 1 s.
  const timeout = intervalSeconds >= 5 ? '1s' : `${Math.round(intervalSeconds * 350)}ms`;
  for (const name of readdirSync('probes')) {
    const text = readFileSync(join('probes', name), 'utf8')
      .replace(/^interval: .*$/m, `interval: ${intervalSeconds}s`)
      .replace(/^timeout: .*$/m, `timeout: ${timeout}`)
      .replace(/^retries: .*$/m, 'retries: 1');
    writeFileSync(join(probesDir, name), text);
  }
  return probesDir;
}

/** The knobs that let the service poll faster than production allows (README "Tests"). */
function fastPollingEnv(intervalSeconds: number): Record<string, string> {
  return {
    VIGIL_PROBE_MIN_INTERVAL_SECONDS: String(intervalSeconds),
    VIGIL_POLL_TICK_SECONDS: String(intervalSeconds / 4),
    VIGIL_POLL_SYNC_SECONDS: '1',
    // A parent is found silent up to an interval after its children: their own trouble must wait longer.
    VIGIL_OUTAGE_SETTLE_SECONDS: String(Math.max(2, 2 * intervalSeconds)),
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
