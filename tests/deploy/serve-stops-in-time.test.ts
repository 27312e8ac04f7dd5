import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { deleteByPrefix, TEST_REDIS_URL } from '../helpers/test-redis.js';
import { startTestSimulator, TEST_COMMUNITY, TEST_WRITE_COMMUNITY } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';
import { Redis } from 'ioredis';
import { environmentFile, serviceSettings, SYSTEMD_DIR, timeSpanMs, UNIT_FILES } from './unit-files.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOBODY = '65534';

/**
 * What the units impose, reproduced without systemd (this container's PID 1 is not systemd, so the
 * units cannot be started here): a private mount namespace whose root is read-only with an empty /tmp
 * (ProtectSystem=strict, PrivateTmp=yes), then setpriv to an unprivileged user with no capabilities
 * in any set and no_new_privs (DynamicUser=yes, CapabilityBoundingSet=, NoNewPrivileges=yes).
 */
const CHECKOUT = ROOT.replace(/\/$/, '');
/**
 * A checkout under /tmp (CI clones there) would vanish under the private /tmp: the old /tmp is kept at
 * /mnt and the checkout bound back, read-only, at its own path.
 */
const KEEP_CHECKOUT = CHECKOUT.startsWith('/tmp/')
  ? `mkdir -p '${CHECKOUT}' && mount --bind '/mnt/${CHECKOUT.slice('/tmp/'.length)}' '${CHECKOUT}' && mount -o remount,bind,ro '${CHECKOUT}' &&`
  : '';
const CONFINED = [
  'mount --rbind / / && mount -o remount,bind,ro / && mount --bind /tmp /mnt &&',
  'mount -t tmpfs -o mode=1777 tmpfs /tmp &&',
  KEEP_CHECKOUT,
  `exec setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all "$@"`,
].join(' ');

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The strictest TimeoutStopSec of the shipped units: `vigil serve` must be gone before it. */
function unitStopTimeoutMs(): number {
  return Math.min(
    ...UNIT_FILES.map((u) => timeSpanMs(serviceSettings(u).get('TimeoutStopSec')?.at(-1) ?? '')),
  );
}

interface Started {
  child: ChildProcess;
  lines: string[];
  exited: Promise<unknown[]>;
}

/** `vigil serve` from dist/, confined like the units, with the example environment file edited for this test. */
async function startConfinedServe(env: Record<string, string>): Promise<Started> {
  const child = spawn(
    'unshare',
    ['--mount', 'sh', '-c', CONFINED, 'sh', process.execPath, `${ROOT}dist/cli/main.js`, 'serve'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exited = once(child, 'exit');
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr }).on('line', (line) => {
      lines.push(line);
      if (line.includes('"msg":"vigil started"')) resolve();
    });
    void exited.then(() => reject(new Error(`vigil serve exited before starting:\n${lines.join('\n')}`)));
  });
  return { child, lines, exited };
}

describe('vigil serve under the units’ confinement', () => {
  it('confines for real: the process is nobody, without capabilities, and cannot write the checkout', () => {
    const probe = spawnSync(
      'unshare',
      [
        '--mount',
        'sh',
        '-c',
        CONFINED,
        'sh',
        'sh',
        '-c',
        `id -u; grep CapEff /proc/self/status; touch ${ROOT}.confined-write 2>&1 || echo refused`,
      ],
      { encoding: 'utf8' },
    );
    expect(probe.stderr).toBe('');
    const [uid, caps, write] = probe.stdout.trim().split('\n');
    expect(uid).toBe(NOBODY);
    expect(caps).toMatch(/^CapEff:\s+0+$/);
    expect(write).toMatch(/Read-only file system[\s\S]*|refused/);
  });

  let sim: Simulator;
  let serve: Started | undefined;
  const prefix = `vigil-test-${randomBytes(4).toString('hex')}`;
  const admin = `admin-${randomBytes(16).toString('hex')}`;

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 187, devices: 60, fanout: 9 });
  });

  afterAll(async () => {
    if (serve?.child.exitCode === null) serve.child.kill('SIGKILL');
    await sim?.close();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('polls as nobody on a read-only system, then stops on SIGTERM with exit 0 well within TimeoutStopSec', async () => {
    const port = await freeTcpPort();
    const example = environmentFile(`${SYSTEMD_DIR}vigil.env.example`);
    serve = await startConfinedServe({
      ...example,
      REDIS_URL: TEST_REDIS_URL,
      VIGIL_REDIS_PREFIX: prefix,
      VIGIL_HOST: '127.0.0.1',
      VIGIL_PORT: String(port),
      VIGIL_API_KEYS: `admin:${admin}`,
      VIGIL_TRAP_PORT: '0',
      VIGIL_SNMP_SIM_VERSION: '2c',
      VIGIL_SNMP_SIM_COMMUNITY: TEST_COMMUNITY,
      VIGIL_SNMP_SIM_WRITE_COMMUNITY: TEST_WRITE_COMMUNITY,
      // Schedule syncs every second, so the SIGTERM lands while the poller's jobs are running.
      VIGIL_POLL_SYNC_SECONDS: '1',
      VIGIL_LOG_LEVEL: 'info',
      // Load shedding off: a just-started API on a busy CI machine may shed the import (not what is tested).
      VIGIL_SHED_EVENT_LOOP_DELAY_MS: '0',
      VIGIL_SHED_EVENT_LOOP_UTILIZATION: '0',
    });
    const url = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const imported = await fetch(`${url}/v1/inventory`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(sim.fleet.inventory),
    });
    expect(imported.status).toBe(200);
    // It really works confined: the poller reaches the simulator and the API answers what it saw.
    await until(
      async () => {
        const page = (await (await fetch(`${url}/v1/devices?status=up&limit=1`, { headers })).json()) as {
          items: unknown[];
        };
        return page.items.length > 0;
      },
      { timeoutMs: 90_000, everyMs: 250, what: 'a device polled up' },
    );
    // Nothing it does needs a write, a capability or a privilege: no error in its log.
    const errors = serve.lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50);
    expect(errors).toEqual([]);

    const timeoutMs = unitStopTimeoutMs();
    const started = performance.now();
    serve.child.kill('SIGTERM');
    const [code, signal] = (await Promise.race([
      serve.exited,
      new Promise((resolve) => setTimeout(resolve, timeoutMs, ['timeout', null])),
    ])) as [number | string | null, string | null];
    const tookMs = performance.now() - started;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(timeoutMs);
    console.info(`vigil serve (api, poller, worker) stopped in ${Math.round(tookMs)} ms of ${timeoutMs} ms`);
    const stopped = serve.lines.map((l) => JSON.parse(l) as { msg?: string; ok?: boolean });
    expect(stopped.find((e) => e.msg === 'vigil stopped')?.ok).toBe(true);
    expect(serve.lines.join('\n')).not.toContain(admin);
  }, 150_000);
});
