import { createSocket } from 'node:dgram';
import type { UsmUser } from '../snmp/auth-profile.js';
import { sendTrapV3 } from '../snmp/trap-sender.js';
import {
  communityMessage,
  int,
  nul,
  oid,
  pdu,
  seq,
  str,
  TAG,
  tlv,
  trapV1Pdu,
  unsigned,
  varbind,
} from './ber.js';

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1.2';

/** A value of every SNMP type (RFC 2578, RFC 3416), so that mutations start from each. */
function everyType(): Buffer[] {
  return [
    varbind('1.3.6.1.4.1.32473.1.1.0', int(-5)),
    varbind('1.3.6.1.4.1.32473.1.2.0', str('gpon-ont eth0')),
    varbind('1.3.6.1.4.1.32473.1.3.0', oid('1.3.6.1.4.1.32473.2.1')),
    varbind('1.3.6.1.4.1.32473.1.4.0', tlv(TAG.ipAddress, Buffer.from([192, 0, 2, 7]))),
    varbind('1.3.6.1.4.1.32473.1.5.0', unsigned(TAG.counter32, 4_000_000_000)),
    varbind('1.3.6.1.4.1.32473.1.6.0', unsigned(TAG.gauge32, 77)),
    varbind('1.3.6.1.4.1.32473.1.7.0', unsigned(TAG.timeTicks, 123_456)),
    varbind('1.3.6.1.4.1.32473.1.8.0', unsigned(TAG.counter64, 2n ** 63n + 5n)),
    varbind('1.3.6.1.4.1.32473.1.9.0', nul()),
    varbind('1.3.6.1.4.1.32473.1.10.0', nul(TAG.noSuchInstance)),
  ];
}

/** The notification varbinds of SNMPv2 (RFC 3416 section 4.2.6): sysUpTime.0, snmpTrapOID.0, then the rest. */
function notification(extra: Buffer[]): Buffer[] {
  return [
    varbind(SYS_UPTIME, unsigned(TAG.timeTicks, 4242)),
    varbind(SNMP_TRAP_OID, oid(LINK_DOWN)),
    varbind(IF_INDEX, int(2)),
    ...extra,
  ];
}

/**
 * Well-formed datagrams of every shape the trap port and the poller meet: v1 Trap-PDU, v2c trap and
 * inform, v3 noAuthNoPriv trap (by hand) and a GetResponse, each with a value of every type.
 */
export function craftedSeeds(community: string): Buffer[] {
  const v3Security = seq(
    str(Buffer.from('80001f8880aabbccdd', 'hex')),
    int(1),
    int(100),
    str('fuzz-user'),
    str(''),
    str(''),
  );
  return [
    communityMessage(
      0,
      community,
      trapV1Pdu({
        enterprise: '1.3.6.1.4.1.32473.2.1',
        agentAddr: '127.0.0.1',
        generic: 2,
        specific: 0,
        timeStamp: 4242,
        varbinds: everyType(),
      }),
    ),
    communityMessage(1, community, pdu(TAG.trapV2, 1001, notification(everyType()))),
    communityMessage(1, community, pdu(TAG.informRequest, 1002, notification(everyType()))),
    seq(
      int(3),
      seq(int(77), int(65507), str(Buffer.from([0])), int(3)),
      str(v3Security),
      seq(
        str(Buffer.from('80001f8880aabbccdd', 'hex')),
        str(''),
        pdu(TAG.trapV2, 1003, notification(everyType())),
      ),
    ),
    communityMessage(1, community, pdu(TAG.response, 1004, everyType())),
  ];
}

/**
 * A datagram net-snmp itself encodes — an SNMPv3 trap of `user` (authPriv with both keys) — captured from a
 * loopback socket: real USM headers (engine ID, digest, salt) for mutations to start from.
 */
export async function capturedV3Seeds(user: UsmUser): Promise<Buffer[]> {
  const capture = createSocket('udp4');
  const seen: Buffer[] = [];
  capture.on('message', (datagram) => seen.push(datagram));
  await new Promise<void>((resolve) => capture.bind(0, '127.0.0.1', () => resolve()));
  await sendTrapV3({
    targetHost: '127.0.0.1',
    targetPort: capture.address().port,
    user,
    engineId: '80001f8880c0ffee0011223344',
    trapOid: LINK_DOWN,
    varbinds: [{ oid: IF_INDEX, value: { type: 'Integer', value: 2 } }],
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise<void>((resolve) => capture.close(() => resolve()));
  return seen;
}
