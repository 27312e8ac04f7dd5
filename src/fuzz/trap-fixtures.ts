import { communityMessage, int, oid, pdu, seq, TAG, tlv, unsigned, varbind } from './ber.js';

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';

function notification(pduTag: number, community: string, extra: Buffer): Buffer {
  return communityMessage(
    1,
    community,
    pdu(pduTag, 1234, [
      varbind(SYS_UPTIME, unsigned(TAG.timeTicks, 1)),
      varbind(SNMP_TRAP_OID, oid(LINK_DOWN)),
      extra,
    ]),
  );
}

/**
 * Datagrams that each stopped `vigil serve` before the SNMP boundary was hardened; each needs only a
 * configured community. Kept as fixtures: every one must stay a counted, dropped datagram.
 */
export function trapCrashFixtures(community: string): Record<string, Buffer> {
  return {
    // A v2c trap whose last value is a Counter64 cut short: net-snmp hands over null, BigInt(null) threw.
    truncated_counter64_trap: (() => {
      const whole = notification(
        TAG.trapV2,
        community,
        varbind('1.3.6.1.2.1.31.1.1.1.6.2', unsigned(TAG.counter64, 2n ** 40n)),
      );
      return whole.subarray(0, whole.length - 4);
    })(),
    // An inform carrying a BitString: net-snmp's reply encoder threw outside any try.
    bit_string_inform: notification(
      TAG.informRequest,
      community,
      varbind('1.3.6.1.4.1.32473.9.1.0', tlv(TAG.bitString, Buffer.from([0, 0xff]))),
    ),
    // An inform carrying an Integer above 2^31: the same reply encoder refused it.
    big_integer_inform: notification(
      TAG.informRequest,
      community,
      varbind('1.3.6.1.4.1.32473.9.2.0', int(2 ** 31 + 5)),
    ),
    // A v1 trap with a 2,000-deep value and an enterprise OID of 200 arcs.
    deep_v1_trap: communityMessage(
      0,
      community,
      tlv(
        TAG.trapV1,
        Buffer.concat([
          oid(Array.from({ length: 200 }, (_, i) => (i < 2 ? [1, 3][i] : i)).join('.')),
          tlv(TAG.ipAddress, Buffer.from([127, 0, 0, 1])),
          int(6),
          int(-1),
          unsigned(TAG.timeTicks, 5),
          seq(
            varbind(
              '1.3.6.1.4.1.32473.9.3.0',
              Array.from({ length: 2_000 }).reduce<Buffer>((inner) => seq(inner), int(1)),
            ),
          ),
        ]),
      ),
    ),
  };
}
