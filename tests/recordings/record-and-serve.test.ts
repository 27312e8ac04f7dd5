import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnmprecFile } from '../../src/recordings/read-snmprec.js';
import { startSnmpd, type Snmpd } from '../interop/start-snmpd.js';
import { randomPort } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const IF_DESCR_1 = '1.3.6.1.2.1.2.2.1.2.1';
const IF_TABLE = '1.3.6.1.2.1.2.2';
/** ifHCInOctets of ifIndex 1, Linux's "lo": up, 10 Mbit/s in Net-SNMP, so it advances at a known pace. */
const LO_HC_IN_OCTETS = '1.3.6.1.2.1.31.1.1.1.6.1';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function vigil(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 60_000, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Debian's snmpget/snmpbulkwalk on the simulator: values only (TimeTicks as numbers); rejects on a timeout. */
function netSnmp(tool: 'snmpget' | 'snmpbulkwalk', target: string, oids: string[]) {
  return new Promise<string[]>((resolve, reject) => {
    const args = ['-v2c', '-c', community, '-On', '-Oqvt', '-t', '1', '-r', '0', target, ...oids];
    execFile(tool, args, { env: { ...process.env, MIBS: '' } }, (error, stdout) =>
      error
        ? reject(new Error(`${tool} failed`, { cause: error }))
        : resolve(stdout.trim().split('\n').map(unquote)),
    );
  });
}

/** -Oqv quotes strings when no MIB says they are DisplayString. */
const unquote = (text: string): string => text.replace(/^"(.*)"$/s, '$1');

const community = `fake-ro-${Math.random().toString(36).slice(2, 10)}`;

describe('vigil record, then vigil sim --recordings', { timeout: 120_000 }, () => {
  let snmpd: Snmpd;
  let dir: string;

  beforeAll(async () => {
    [snmpd, dir] = await Promise.all([startSnmpd(), mkdtemp(join(tmpdir(), 'vigil-recordings-'))]);
  });

  afterAll(async () => {
    await snmpd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('records snmpd over v2c, v3 authPriv and an auth profile: the system group and ifTable, and no credential', async () => {
    const target = `${snmpd.host}:${snmpd.port}`;
    const v3 = ['--version', '3', '--user', snmpd.user.name, '--auth-key', snmpd.user.authKey];
    // The same credentials by auth profile, as the service reads them (VIGIL_SNMP_<PROFILE>_*).
    const profileEnv = { ...process.env, VIGIL_SNMP_LAB_COMMUNITY: snmpd.community };
    // snmpd's TCP and UDP tables list every socket on this machine: beside a benchmark holding 10k sockets
    // the walk spent its time there and timed out before the USM subtree it must be seen to skip.
    const machineSockets = ['1.3.6.1.2.1.6', '1.3.6.1.2.1.7', '1.3.6.1.2.1.49', '1.3.6.1.2.1.50'].flatMap(
      (oid) => ['--skip', oid],
    );
    const [v2c, authPriv, byProfile] = await Promise.all([
      vigil([
        'record',
        target,
        '--community',
        snmpd.community,
        ...machineSockets,
        '--out',
        join(dir, 'snmpd.snmprec'),
      ]),
      vigil([
        'record',
        target,
        ...v3,
        '--priv-key',
        snmpd.user.privKey,
        ...machineSockets,
        '--out',
        join(dir, 'v3.tmp'),
      ]),
      vigil(
        [
          'record',
          target,
          '--auth-profile',
          'lab',
          '--subtree',
          '1.3.6.1.2.1.1',
          '--out',
          join(dir, 'lab.tmp'),
        ],
        profileEnv,
      ),
    ]);
    expect(v2c.stderr).toBe('');
    expect(v2c.stdout).toMatch(/^recorded \d+ varbinds from /);
    expect([v2c.code, authPriv.code, byProfile.code]).toEqual([0, 0, 0]);
    const lab = await readSnmprecFile(join(dir, 'lab.tmp'));
    expect(lab.records.every((r) => r.oid.startsWith('1.3.6.1.2.1.1.'))).toBe(true);
    expect(lab.records.map((r) => r.oid)).toContain(SYS_UPTIME);
    await rm(join(dir, 'lab.tmp'));
    for (const file of ['snmpd.snmprec', 'v3.tmp']) {
      const text = await readFile(join(dir, file), 'utf8');
      for (const secret of [snmpd.community, snmpd.user.name, snmpd.user.authKey, snmpd.user.privKey])
        expect(text).not.toContain(secret);
      const read = await readSnmprecFile(join(dir, file));
      expect(read.problems).toEqual([]);
      const oids = new Set(read.records.map((r) => r.oid));
      expect([SYS_DESCR, SYS_UPTIME, IF_DESCR_1].every((oid) => oids.has(oid))).toBe(true);
      expect(read.records.some((r) => r.oid.startsWith('1.3.6.1.6.3.15.'))).toBe(false);
      expect(read.comments.join('\n')).toMatch(/1\.3\.6\.1\.6\.3\.15 SNMP-USER-BASED-SM-MIB \(met\)/);
      const descr = read.records.find((r) => r.oid === SYS_DESCR)?.value.value;
      expect(read.comments).toContain(`sysDescr: ${String(descr)}`);
    }
    await rm(join(dir, 'v3.tmp'));
  });

  it('serves the recording at its address: time moves, faults and a reboot act, vigil probe decodes it', async () => {
    await writeFile(join(dir, 'snmpd.yaml'), 'kind: cpe\nmodel: Debian snmpd\nprofile: generic\n');
    const recorded = new Map(
      (await readSnmprecFile(join(dir, 'snmpd.snmprec'))).records.map((r) => [r.oid, r]),
    );
    const port = randomPort();
    const control = `http://127.0.0.1:${randomPort()}`;
    const inventoryFile = join(dir, 'inventory.json');
    const sim = startSim(port, control, dir, inventoryFile);
    try {
      await until(async () => (await fetch(`${control}/healthz`)).ok, {
        timeoutMs: 40_000,
        what: 'vigil sim',
      });
      const inventory = JSON.parse(await readFile(inventoryFile, 'utf8')) as {
        devices: Record<string, unknown>[];
      };
      // Four generated devices take 127.61.0.1-4; the recording comes after them.
      expect(inventory.devices.find((d) => d.id === 'snmpd')).toMatchObject({
        kind: 'cpe',
        model: 'Debian snmpd',
        profile: 'generic',
        host: '127.61.0.5',
        port,
        auth: 'sim',
      });
      const target = `127.61.0.5:${port}`;
      const get = (...oids: string[]) => netSnmp('snmpget', target, oids);

      const [descr] = await get(SYS_DESCR);
      expect(descr).toBe(String(recorded.get(SYS_DESCR)?.value.value));
      const ifTable = await netSnmp('snmpbulkwalk', target, [IF_TABLE]);
      expect(ifTable).toHaveLength(
        [...recorded.keys()].filter((oid) => oid.startsWith(`${IF_TABLE}.`)).length,
      );

      const [uptime, octets] = (await get(SYS_UPTIME, LO_HC_IN_OCTETS)).map(Number) as [number, number];
      expect(uptime).toBeGreaterThanOrEqual(Number(recorded.get(SYS_UPTIME)?.value.value));
      expect(octets).toBeGreaterThanOrEqual(Number(recorded.get(LO_HC_IN_OCTETS)?.value.value));
      await until(
        async () => {
          const [later, laterOctets] = (await get(SYS_UPTIME, LO_HC_IN_OCTETS)).map(Number) as [
            number,
            number,
          ];
          return later > uptime && laterOctets > octets;
        },
        { what: 'sysUpTime and ifHCInOctets advancing' },
      );

      expect((await faults(control, 'POST', { kind: 'down' })).status).toBe(201);
      await expect(get(SYS_UPTIME)).rejects.toThrow();
      expect((await faults(control, 'DELETE')).status).toBe(200);
      await until(() => get(SYS_UPTIME).then(() => true), { what: 'answers once the fault is removed' });

      const refused = await faults(control, 'POST', { kind: 'high_cpu' });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await refused.json()) as { detail: string }).detail).toMatch(
        /snmpd is a recording, which takes down/,
      );

      const [beforeReboot] = (await get(SYS_UPTIME)).map(Number) as [number];
      expect((await fetch(`${control}/devices/snmpd/reboot`, { method: 'POST' })).status).toBe(200);
      await expect(get(SYS_UPTIME)).rejects.toThrow();
      const [afterReboot, octetsAfter] = await until(
        () => get(SYS_UPTIME, LO_HC_IN_OCTETS).then((values) => values.map(Number)),
        { what: 'back after the reboot' },
      );
      expect(afterReboot).toBeLessThan(Math.min(beforeReboot, 1_000));
      expect(octetsAfter).toBeLessThan(octets);

      const probe = await vigil([
        'probe',
        target,
        '--community',
        community,
        '--profile',
        'generic',
        '--samples',
        '1',
        '--json',
      ]);
      expect(probe.code).toBe(0);
      const report = JSON.parse(probe.stdout) as {
        outcome: string;
        sample: {
          scalars: Record<string, unknown>;
          tables: Record<string, Record<string, Record<string, unknown>>>;
        };
      };
      expect(report.outcome).toBe('ok');
      expect(report.sample.scalars.sysDescr).toBe(descr);
      expect(report.sample.scalars.sysObjectId ?? report.sample.scalars.sysObjectID).toBe(
        recorded.get('1.3.6.1.2.1.1.2.0')?.value.value,
      );
      // Every interface the probe reads is one recorded (which it leaves out, loopback, is the probe's call).
      const names = Object.values(report.sample.tables.interfaces ?? {}).map((row) => row.ifDescr);
      const recordedNames = [...recorded.values()]
        .filter((r) => r.oid.startsWith(`${IF_TABLE}.1.2.`))
        .map((r) => String(r.value.value));
      expect(names.length).toBeGreaterThan(0);
      expect(recordedNames).toEqual(expect.arrayContaining(names));
    } finally {
      sim.kill('SIGTERM');
      await new Promise((resolve) => sim.once('exit', resolve));
    }
  });
});

function startSim(port: number, control: string, dir: string, inventoryFile: string): ChildProcess {
  const args = ['sim', '--devices', '4', '--fanout', '3', '--port', String(port), '--first-octet', '61'];
  args.push('--recordings', dir, '--inventory-out', inventoryFile, '--reboot-seconds', '2');
  args.push('--control-port', new URL(control).port);
  const env = { ...process.env, VIGIL_SNMP_SIM_COMMUNITY: community, VIGIL_LOG_LEVEL: 'warn' };
  return spawn(process.execPath, [MAIN, ...args], { env, stdio: 'ignore' });
}

function faults(control: string, method: 'POST' | 'DELETE', body?: object): Promise<Response> {
  return fetch(`${control}/devices/snmpd/faults`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
}
