import { describe, expect, it } from 'vitest';
import { trapNamedConditions } from '../../src/polling/trap-named-conditions.js';
import type { Trap } from '../../src/snmp/trap-receiver.js';
import type { SnmpVarbind } from '../../src/snmp/snmp-value.js';

const OIDS = {
  linkDown: '1.3.6.1.6.3.1.1.5.3',
  linkUp: '1.3.6.1.6.3.1.1.5.4',
  coldStart: '1.3.6.1.6.3.1.1.5.1',
};

const trap = (kind: keyof typeof OIDS, varbinds: SnmpVarbind[]): Trap => ({
  source: { address: '127.0.0.9', port: 162 },
  version: '2c',
  inform: false,
  kind,
  trapOid: OIDS[kind],
  varbinds,
  receivedAt: 5_000,
});

/** IF-MIB linkDown varbinds (RFC 2863): ifIndex, ifAdminStatus, ifOperStatus of the interface. */
const linkVarbinds = (ifIndex: number, admin = 1): SnmpVarbind[] => [
  { oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, value: { type: 'Integer', value: ifIndex } },
  { oid: `1.3.6.1.2.1.2.2.1.7.${ifIndex}`, value: { type: 'Integer', value: admin } },
  { oid: `1.3.6.1.2.1.2.2.1.8.${ifIndex}`, value: { type: 'Integer', value: 2 } },
];

describe('what a trap names about its sender', () => {
  it('a linkDown names its interface, as a WAN or as any interface (the poll says which)', () => {
    expect(trapNamedConditions(trap('linkDown', linkVarbinds(7)))).toEqual([
      { kind: 'wan_down', subject: '7' },
      { kind: 'interface_down', subject: '7' },
    ]);
  });

  it('a linkDown of an interface shut on purpose, or naming none, names nothing', () => {
    expect(trapNamedConditions(trap('linkDown', linkVarbinds(7, 2)))).toEqual([]);
    expect(trapNamedConditions(trap('linkDown', []))).toEqual([]);
  });

  it('linkUp and coldStart name nothing', () => {
    expect(trapNamedConditions(trap('linkUp', linkVarbinds(7)))).toEqual([]);
    expect(trapNamedConditions(trap('coldStart', []))).toEqual([]);
  });
});
