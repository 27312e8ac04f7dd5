import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';
import { randomPort } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built `vigil` with this environment; resolves with the exit code instead of throwing. */
function vigil(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { ...process.env, VIGIL_LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `n` routers, one subscriber each, as the JSON `vigil inventory import` reads. */
function fleetJson(n: number, auth = 'sim'): string {
  const id = (i: number): string => `cpe-${String(i).padStart(4, '0')}`;
  return JSON.stringify({
    sites: [],
    devices: Array.from({ length: n }, (_, i) => ({
      id: id(i),
      kind: 'cpe',
      parentId: null,
      profile: 'generic',
      host: `127.42.0.${i + 1}`,
      auth,
    })),
    subscribers: Array.from({ length: n }, (_, i) => ({ id: `sub-${i}`, deviceIds: [id(i)] })),
  });
}

describe('the first hour at the command line', () => {
  let test: TestRedis;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    test = await createTestRedis();
    dir = mkdtempSync(join(tmpdir(), 'vigil-first-hour-'));
    env = {
      REDIS_URL: TEST_REDIS_URL,
      VIGIL_REDIS_PREFIX: test.prefix,
      VIGIL_SNMP_SIM_COMMUNITY: 'c-secret-3',
    };
    writeFileSync(join(dir, 'fleet.json'), fleetJson(20));
    // What removed 2,000 devices in the field: a short CSV meant as an addition.
    writeFileSync(
      join(dir, 'lab.csv'),
      'type,id,kind,parentId,profile,host,auth,deviceIds\n' +
        'device,cpe-0000,cpe,,generic,127.42.0.1,sim,\n' +
        'device,cpe-lab,cpe,,generic,127.42.1.1,lab-cpe,\n' +
        'subscriber,sub-lab,,,,,,cpe-lab\n',
    );
  });
  afterAll(async () => {
    await test.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says there is no inventory at all, and where it looked, rather than "status unknown"', async () => {
    const explain = await vigil(['explain', '--device', 'cpe-0001'], env);
    expect(explain.code).toBe(1);
    expect(explain.stderr).toContain(`no inventory at all at ${TEST_REDIS_URL} prefix "${test.prefix}"`);
    expect(explain.stdout).not.toMatch(/status unknown/);
    const exported = await vigil(['inventory', 'export'], env);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain(`no inventory at ${TEST_REDIS_URL} prefix "${test.prefix}"`);
  });

  it('shows what an import would change against Redis, refuses a shrink, and names missing credentials', async () => {
    const first = await vigil(['inventory', 'import', join(dir, 'fleet.json')], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/devices\s+created 20, updated 0, unchanged 0, removed 0/);

    const dry = await vigil(['inventory', 'import', '--dry-run', join(dir, 'lab.csv')], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`against the inventory at ${TEST_REDIS_URL} prefix "${test.prefix}":`);
    expect(dry.stdout).toMatch(/devices\s+created 1, updated 0, unchanged 1, removed 19/);
    expect(dry.stdout).toMatch(/removed\s+cpe-0001, cpe-0002, cpe-0003, cpe-0004, cpe-0005 and 14 more/);
    expect(dry.stdout).toMatch(/an import would be REFUSED: it removes 19 of 20 devices \(95%\)/);
    expect(dry.stderr).toMatch(/auth profile "lab-cpe" \(1 device\).*VIGIL_SNMP_LAB_CPE_COMMUNITY/);

    const refused = await vigil(['inventory', 'import', join(dir, 'lab.csv')], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ERR_INVENTORY_REMOVALS: the import would remove 19 of 20 devices/);
    expect(refused.stderr).toContain('--allow-removals');
    expect(await createInventoryStore(test).counts()).toMatchObject({ devices: 20 });

    const allowed = await vigil(['inventory', 'import', '--allow-removals', join(dir, 'lab.csv')], env);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/devices\s+created 1, updated 0, unchanged 1, removed 19/);
    expect(allowed.stderr).toMatch(/warning: auth profile "lab-cpe".*VIGIL_SNMP_LAB_CPE_USER/);
  });

  it('says there have been no polls at all, and exits 1, when nothing polls this prefix', async () => {
    const explain = await vigil(['explain', '--device', 'cpe-0000'], env);
    expect(explain.code).toBe(1);
    expect(explain.stderr).toContain(`no polls at all at ${TEST_REDIS_URL} prefix "${test.prefix}"`);
    expect(explain.stdout).toContain('=== cpe-0000');
  });

  it('validates without Redis when none answers, saying so without the password in REDIS_URL', async () => {
    const dry = await vigil(['inventory', 'import', '--dry-run', join(dir, 'fleet.json')], {
      ...env,
      REDIS_URL: 'redis://:hunter2-not-shown@127.0.0.1:1',
    });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/valid json inventory, 0 sites, 20 devices, 20 subscribers/);
    expect(dry.stdout).toContain('cannot show the difference with what is stored: no answer from Redis at');
    expect(dry.stdout).toContain('redis://:***@127.0.0.1:1');
    expect(`${dry.stdout}${dry.stderr}`).not.toContain('hunter2');
  });

  it(
    'vigil demo writes REDIS_URL and the prefix to .vigil/demo.env and prints the console before the story',
    {
      timeout: 120_000,
    },
    async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'vigil-demo-cwd-'));
      const demo = spawn(
        process.execPath,
        [
          MAIN,
          'demo',
          '--devices',
          '1100', // scenarios/demo.yaml needs GPON routers, past the first 1,000 devices
          '--port',
          String(randomPort()),
          '--control-port',
          String(randomPort()),
          '--trap-port',
          String(randomPort()),
          '--first-octet',
          '67',
        ],
        {
          cwd,
          // A directory of its own (the env file lands there), with the repository's probes and playbooks.
          env: {
            ...process.env,
            REDIS_URL: TEST_REDIS_URL,
            VIGIL_REDIS_PREFIX: `${test.prefix}-demo`,
            VIGIL_PROBES_DIR: fileURLToPath(new URL('../../probes', import.meta.url)),
            VIGIL_PLAYBOOKS_DIR: fileURLToPath(new URL('../../playbooks', import.meta.url)),
          },
        },
      );
      let stdout = '';
      let stderr = '';
      demo.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
      const envFile = join(cwd, '.vigil', 'demo.env');
      try {
        let gone = false;
        void exited.then(() => (gone = true));
        await until(() => gone || (existsSync(envFile) && /1\. Importing/.test(stdout)), {
          timeoutMs: 90_000,
          everyMs: 100,
          what: 'the demo at its first step',
        }).catch(() => undefined); // The expectations below say what was missing.
        expect(existsSync(envFile), `no ${envFile}; the demo said:\n${stdout}\n${stderr}`).toBe(true);
        const written = readFileSync(envFile, 'utf8');
        expect(written).toContain(`export REDIS_URL='${TEST_REDIS_URL}'`);
        expect(written).toContain(`export VIGIL_REDIS_PREFIX='${test.prefix}-demo'`);
        expect(written).toMatch(/export VIGIL_NOC_KEY='\S+'/);
        const console = stdout.indexOf('The console: http');
        expect(console).toBeGreaterThan(-1);
        expect(console).toBeLessThan(stdout.indexOf('1. Importing'));
      } finally {
        demo.kill('SIGINT');
        await exited;
        await test.redis.eval(
          "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) end",
          0,
          `${test.prefix}-demo:*`,
        );
      }
      expect(existsSync(envFile)).toBe(false);
      rmSync(cwd, { recursive: true, force: true });
    },
  );
});
