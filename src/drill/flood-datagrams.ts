import { randomBytes } from 'node:crypto';
import { communityMessage, int, oid, pdu, TAG, unsigned, varbind } from '../fuzz/ber.js';

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1';

/** An SNMPv2c linkDown (RFC 2863) of interface `ifIndex`, as a router sends it when a port drops. */
export function linkDownTrap(community: string, requestId: number, ifIndex = 1): Buffer {
  return communityMessage(
    1,
    community,
    pdu(TAG.trapV2, requestId, [
      varbind(SYS_UPTIME, unsigned(TAG.timeTicks, 4_200_000)),
      varbind(SNMP_TRAP_OID, oid(LINK_DOWN)),
      varbind(`${IF_INDEX}.${ifIndex}`, int(ifIndex)),
    ]),
  );
}

/** Who sends what in a flood: each datagram encoded once, sent from its source address over and over. */
export interface FloodSource {
  address: string;
  datagrams: Buffer[];
}

export interface FloodMix {
  /** Real devices' addresses: valid linkDown traps with the right community. */
  devices: readonly string[];
  /** Addresses no device has: valid traps the receiver must drop as unknown. */
  strangers: readonly string[];
  community: string;
}

/**
 * The flood's datagrams by source: valid linkDowns from real devices (several interfaces each, so repeats
 * and news both arrive), the same from unknown addresses, a wrong community from real devices, and garbage.
 */
export function floodSources(mix: FloodMix): FloodSource[] {
  const wrong = `not-${mix.community}`;
  const garbage = (): Buffer => randomBytes(40 + Math.floor(Math.random() * 200));
  const sources: FloodSource[] = mix.devices.map((address, d) => ({
    address,
    datagrams: [
      ...[1, 2, 3].map((ifIndex) => linkDownTrap(mix.community, d * 10 + ifIndex, ifIndex)),
      linkDownTrap(wrong, d),
    ],
  }));
  for (const [s, address] of mix.strangers.entries())
    sources.push({ address, datagrams: [linkDownTrap(mix.community, s), garbage(), garbage()] });
  return sources;
}
