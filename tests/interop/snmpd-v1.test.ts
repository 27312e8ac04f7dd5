import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevicePoller } from '../../src/polling/poll-device.js';
import { compileProbe } from '../../src/probes/compile-probe.js';
import type { Probe } from '../../src/probes/probe-types.js';
import type { AuthProfile } from '../../src/snmp/auth-profile.js';
import { Secret } from '../../src/shared/secret.js';
import { UdpGetTransport } from '../../src/snmp/udp-get-transport.js';
import { startSnmpd, type Snmpd } from './start-snmpd.js';

/** A probe asking, among what snmpd has, two objects no agent serves (enterprise 32473 is for documentation). */
const PROBE = `name: v1-test
description: SNMPv1 with objects the agent lacks
deviceKinds: [cpe]
scalars:
  sysUpTime: { oid: 1.3.6.1.2.1.1.3.0, type: timeticks }
  absentOne: { oid: 1.3.6.1.4.1.32473.99.1.0, type: integer, optional: true }
  sysName: { oid: 1.3.6.1.2.1.1.5.0, type: string }
  absentTwo: { oid: 1.3.6.1.4.1.32473.99.2.0, type: integer, optional: true }
tables:
  interfaces:
    columns:
      ifDescr: { oid: 1.3.6.1.2.1.2.2.1.2, type: string }
      ifHCInOctets: { oid: 1.3.6.1.2.1.31.1.1.1.6, type: counter64, optional: true }
      ifInOctets: { oid: 1.3.6.1.2.1.2.2.1.10, type: counter32 }
`;

describe('an SNMPv1 agent (Debian snmpd over v1)', () => {
  let snmpd: Snmpd;
  let transport: UdpGetTransport;
  let probe: Probe;

  beforeAll(async () => {
    snmpd = await startSnmpd();
    transport = new UdpGetTransport();
    const compiled = compileProbe(PROBE, 'probes/v1-test.yaml');
    if ('errors' in compiled) throw new Error(JSON.stringify(compiled.errors));
    probe = compiled.probe;
  });

  afterAll(async () => {
    await transport?.close();
    await snmpd?.stop();
  });

  it('answers noSuchName for a whole GET naming one object it lacks: those objects are left out, the rest read', async () => {
    const profile: AuthProfile = { name: 'v1', version: '1', community: new Secret(snmpd.community) };
    const poller = createDevicePoller(transport);
    const target = { id: 'snmpd', host: snmpd.host, port: snmpd.port, profile };
    const first = await poller.poll(target, probe);
    const second = await poller.poll(target, probe, first.indices);
    for (const { result } of [first, second]) {
      expect(result.outcome).toBe('ok');
      expect(result.sample?.scalars.sysUpTime).toBeGreaterThan(0);
      expect(typeof result.sample?.scalars.sysName).toBe('string');
      expect(result.sample?.scalars.absentOne).toBeNull();
      expect(result.sample?.scalars.absentTwo).toBeNull();
    }
    // SNMPv1 has no Counter64: the 64-bit column is not asked, the 32-bit one is read.
    const rows = Object.values(second.result.sample?.tables.interfaces ?? {});
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(typeof row.ifInOctets).toBe('number');
      expect(row.ifHCInOctets).toBeUndefined();
    }
    // Two objects asked again without: the request, then one re-ask per missing object.
    expect(second.result.meta.pdus).toBe(3);
  });
});
