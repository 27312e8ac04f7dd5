import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOnce, type ProbeOnceOptions } from '../../src/polling/probe-once.js';
import type { Probe } from '../../src/probes/probe-types.js';
import { Secret } from '../../src/shared/secret.js';
import type { AuthProfile } from '../../src/snmp/auth-profile.js';
import { startSnmpd, type Snmpd } from './start-snmpd.js';
import { loadShippedProbes } from '../helpers/shipped-probes.js';

const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SYS_NAME = '1.3.6.1.2.1.1.5.0';
const IF_DESCR = '1.3.6.1.2.1.2.2.1.2';
const IF_TYPE = '1.3.6.1.2.1.2.2.1.3';
/** HOST-RESOURCES-MIB hrStorageEntry (RFC 2790). */
const HR_STORAGE_ENTRY = '1.3.6.1.2.1.25.2.3.1';
/** NET-SNMP-TC netSnmpAgentOIDs.linux: what snmpd on Linux announces as its sysObjectID. */
const NET_SNMP_LINUX = '1.3.6.1.4.1.8072.3.2.10';

/** -Oqv quotes strings when no MIB says they are DisplayString. */
const unquote = (text: string): string => text.replace(/^"(.*)"$/s, '$1');

describe('vigil probe against Net-SNMP snmpd', () => {
  let snmpd: Snmpd;
  let probes: ReadonlyMap<string, Probe>;

  beforeAll(async () => {
    probes = await loadShippedProbes();
    snmpd = await startSnmpd();
  });

  afterAll(async () => {
    await snmpd?.stop();
  });

  const v2c = (): AuthProfile => ({ name: 'cli', version: '2c', community: new Secret(snmpd.community) });
  const v3 = (authKey = snmpd.user.authKey): AuthProfile => ({
    name: 'cli',
    version: '3',
    user: {
      name: snmpd.user.name,
      authProtocol: 'sha',
      authKey: new Secret(authKey),
      privProtocol: 'aes',
      privKey: new Secret(snmpd.user.privKey),
    },
  });
  const probe = (profile: AuthProfile, extra: Partial<ProbeOnceOptions> = {}) =>
    probeOnce({
      host: snmpd.host,
      port: snmpd.port,
      profile,
      probes,
      samples: 1,
      intervalMs: 0,
      timeoutMs: 1_000,
      retries: 1,
      ...extra,
    });

  for (const [name, profile, viaV3] of [
    ['v2c', () => v2c(), false],
    ['v3 authPriv (SHA/AES)', () => v3(), true],
  ] as const) {
    it(`reads what snmpget and snmpwalk read, over ${name}, with the generic probe`, async () => {
      const report = await probe(profile());
      const [descr, uptime, sysName, ifDescr, ifType] = await Promise.all([
        snmpd.netSnmp('snmpget', ['-Oqv', SYS_DESCR], viaV3),
        snmpd.netSnmp('snmpget', ['-Oqvt', SYS_UPTIME], viaV3),
        snmpd.netSnmp('snmpget', ['-Oqv', SYS_NAME], viaV3),
        snmpd.netSnmp('snmpwalk', ['-Oqv', IF_DESCR], viaV3),
        snmpd.netSnmp('snmpwalk', ['-Oqv', IF_TYPE], viaV3),
      ]);
      // The generic probe leaves the loopback out (ifType softwareLoopback, 24).
      const types = ifType.split('\n');
      const expectedInterfaces = ifDescr
        .split('\n')
        .map(unquote)
        .filter((_, i) => types[i] !== '24');

      expect(report.outcome).toBe('ok');
      expect(report.probe).toMatchObject({
        name: 'generic',
        selectedBy: 'fallback',
        sysObjectId: NET_SNMP_LINUX,
      });
      const sample = report.sample!;
      expect(sample.scalars.sysDescr).toBe(unquote(descr));
      expect(sample.scalars.sysName).toBe(unquote(sysName));
      expect(sample.scalars.sysUpTime).toBeCloseTo(Number(uptime) / 100, -1);
      expect(Object.values(sample.tables.interfaces ?? {}).map((row) => row.ifDescr)).toEqual(
        expectedInterfaces,
      );
    });
  }

  it('reads RAM by its hrStorageType and counts buffers and cache as free, as `free` does', async () => {
    const report = await probe(v2c());
    const row = async (column: number, index: string): Promise<number> =>
      Number(await snmpd.netSnmp('snmpget', ['-Oqv', `${HR_STORAGE_ENTRY}.${column}.${index}`]));
    const descrs = (await snmpd.netSnmp('snmpwalk', ['-On', `${HR_STORAGE_ENTRY}.3`])).split('\n');
    const indexOf = (descr: string): string =>
      (descrs.find((l) => l.includes(`"${descr}"`)) ?? '').split(' ')[0]?.split('.').pop() ?? '';
    const [ram, buffers, cached] = ['Physical memory', 'Memory buffers', 'Cached memory'].map(indexOf);
    const kib = 1024;
    const size = (await row(5, ram as string)) * kib;
    const usedWithCache = (await row(6, ram as string)) * kib;
    const cache = ((await row(6, buffers as string)) + (await row(6, cached as string))) * kib;

    const scalars = report.sample!.scalars;
    expect(scalars.memorySize).toBe(size);
    // The box's memory moves between the two reads: within 5% of RAM of what snmpget saw.
    expect(Math.abs((scalars.memoryUsed as number) - (usedWithCache - cache))).toBeLessThan(0.05 * size);
    expect(scalars.memoryUsed as number).toBeLessThan(usedWithCache);
    expect(report.findings.filter((f) => f.subject === 'memory')).toEqual([]);
    expect(report.scalars?.memoryUsed?.derived).toMatch(/^formula 1 of 2: storage rows /);
  });

  it('names a wrong v3 authentication key auth_failed (snmpd answers a usmStatsWrongDigests report)', async () => {
    const report = await probe(v3('not-the-auth-key'));
    expect(report.outcome).toBe('auth_failed');
    expect(report.findings.map((f) => f.evidence.summary)).toEqual(['SNMP credentials rejected']);
  });

  it('names a wrong community a timeout: snmpd drops it silently (RFC 1157 section 4.1)', async () => {
    const report = await probe({ name: 'cli', version: '2c', community: new Secret('nope') }, { retries: 0 });
    expect(report.outcome).toBe('timeout');
    expect(report.findings.map((f) => f.kind)).toEqual(['unreachable']);
  });

  it('polls twice with --profile and turns counters into rates', async () => {
    const report = await probe(v2c(), { probeName: 'generic', samples: 2, intervalMs: 300 });
    expect(report.probe.selectedBy).toBe('profile');
    expect(report.meta.polls.map((p) => p.outcome)).toEqual(['ok', 'ok']);
    const firstInterface = Object.keys(report.sample?.tables.interfaces ?? {})[0];
    expect(report.rates[`interfaces.${firstInterface}.ifInOctets`]).toBeGreaterThanOrEqual(0);
  });
});
