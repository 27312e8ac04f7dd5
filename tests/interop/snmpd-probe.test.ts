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
      const [descr, uptime, sysName, ifDescr] = await Promise.all([
        snmpd.netSnmp('snmpget', ['-Oqv', SYS_DESCR], viaV3),
        snmpd.netSnmp('snmpget', ['-Oqvt', SYS_UPTIME], viaV3),
        snmpd.netSnmp('snmpget', ['-Oqv', SYS_NAME], viaV3),
        snmpd.netSnmp('snmpwalk', ['-Oqv', IF_DESCR], viaV3),
      ]);

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
        ifDescr.split('\n').map(unquote),
      );
    });
  }

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
    expect(report.rates['interfaces.1.ifInOctets']).toBeGreaterThanOrEqual(0);
  });
});
