import type { SnmpVersion } from './auth-profile.js';
import { exceptionOf, fromNetSnmpValue, isValidOid, typeName } from './net-snmp-values.js';
import { PDU_TYPE, type RawPdu, type RawVarbind } from './net-snmp-shims.js';
import type { SnmpVarbind } from './snmp-value.js';
import { TRAP_OIDS } from './trap-sender.js';

export type TrapKind =
  'coldStart' | 'warmStart' | 'linkDown' | 'linkUp' | 'authenticationFailure' | 'enterprise';

/** The datagram's source: how the sending device is known (a v1 agent-addr may be stale or NATed). */
export type TrapSource = { address: string; port: number };

export interface Trap {
  source: TrapSource;
  version: SnmpVersion;
  /** An InformRequest (acknowledged before this is delivered) rather than a trap. */
  inform: boolean;
  kind: TrapKind;
  /** snmpTrapOID.0; for SNMPv1 traps translated per RFC 3584 section 3.1. */
  trapOid: string;
  /** The sender's sysUpTime.0 (v2c/v3) or time-stamp (v1), hundredths of a second. */
  uptimeTicks?: number;
  /** The notification's own varbinds, without sysUpTime.0 and snmpTrapOID.0. */
  varbinds: SnmpVarbind[];
  receivedAt: number;
}

/** SNMPv2-MIB (RFC 3418): the first two varbinds of every SNMPv2 notification (RFC 3416 section 4.2.6). */
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const SNMP_TRAP_ENTERPRISE = '1.3.6.1.6.3.1.1.4.3.0';
/** SNMP-COMMUNITY-MIB (RFC 3584) snmpTrapAddress.0. */
const SNMP_TRAP_ADDRESS = '1.3.6.1.6.3.18.1.3.0';
/** SNMPv2-MIB snmpTraps: generic-trap g of SNMPv1 is snmpTraps.(g + 1) (RFC 3584 section 3.1 (2)). */
const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5';
const ENTERPRISE_SPECIFIC = 6;

const KINDS = new Map<string, TrapKind>([
  ...Object.entries(TRAP_OIDS).map(([kind, oid]) => [oid, kind as TrapKind] as const),
  [`${SNMP_TRAPS}.5`, 'authenticationFailure'],
]);

const PDU = PDU_TYPE;

/** What a notification says, before the receiver adds where and when it came. */
export type Received = Omit<Trap, 'source' | 'receivedAt' | 'version'> | { malformed: string };

/** A notification's varbinds, validated: the first one that is not a well-formed value rejects the trap. */
function toVarbinds(raw: unknown): SnmpVarbind[] | { malformed: string } {
  if (!Array.isArray(raw)) return { malformed: 'no varbind list' };
  const varbinds: SnmpVarbind[] = [];
  for (const [i, vb] of (raw as RawVarbind[]).entries()) {
    if (!isValidOid(vb?.oid)) return { malformed: `varbind ${i + 1}: invalid OID` };
    const exception = exceptionOf(vb.type);
    const value = exception ?? fromNetSnmpValue(vb.type, vb.value);
    if (!value) return { malformed: `varbind ${i + 1}: invalid ${typeName(vb.type)} value` };
    varbinds.push({ oid: vb.oid, value });
  }
  return varbinds;
}

/**
 * A received notification PDU as a Trap's content (pure). SNMPv2-Trap and InformRequest carry
 * sysUpTime.0 and snmpTrapOID.0 first; an SNMPv1 Trap-PDU is translated as RFC 3584 section 3.1 says:
 * snmpTrapOID.0 is snmpTraps.(generic-trap + 1), or enterprise.0.specific-trap for enterpriseSpecific,
 * and snmpTrapAddress.0 and snmpTrapEnterprise.0 are appended. snmpTrapCommunity.0 is not: a
 * community is a credential and a Trap is handed to code that logs.
 */
export function trapFromPdu(pdu: RawPdu): Received {
  const varbinds = toVarbinds(pdu.varbinds);
  if ('malformed' in varbinds) return varbinds;
  const inform = pdu.type === PDU.InformRequest;
  if (pdu.type === PDU.Trap) {
    const enterprise = pdu.enterprise ?? '';
    const generic = pdu.generic ?? -1;
    if (!Number.isInteger(generic) || generic < 0 || generic > ENTERPRISE_SPECIFIC)
      return { malformed: `generic-trap ${String(generic).slice(0, 12)} out of range` };
    if (!isValidOid(enterprise)) return { malformed: 'invalid enterprise OID' };
    const specific = pdu.specific ?? 0;
    if (!Number.isSafeInteger(specific) || specific < 0) return { malformed: 'invalid specific-trap' };
    if (pdu.upTime !== undefined && !(Number.isInteger(pdu.upTime) && pdu.upTime >= 0))
      return { malformed: 'invalid time-stamp' };
    if (pdu.agentAddr !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(String(pdu.agentAddr)))
      return { malformed: 'invalid agent-addr' };
    const trapOid =
      generic === ENTERPRISE_SPECIFIC ? `${enterprise}.0.${specific}` : `${SNMP_TRAPS}.${generic + 1}`;
    return {
      inform,
      kind: KINDS.get(trapOid) ?? 'enterprise',
      trapOid,
      ...(pdu.upTime !== undefined ? { uptimeTicks: pdu.upTime } : {}),
      varbinds: [
        ...varbinds,
        { oid: SNMP_TRAP_ADDRESS, value: { type: 'IpAddress', value: pdu.agentAddr ?? '0.0.0.0' } },
        { oid: SNMP_TRAP_ENTERPRISE, value: { type: 'ObjectIdentifier', value: enterprise } },
      ],
    };
  }
  const [uptime, trapOidVb, ...rest] = varbinds;
  const trapOid =
    trapOidVb?.oid === SNMP_TRAP_OID &&
    typeof trapOidVb.value === 'object' &&
    trapOidVb.value.type === 'ObjectIdentifier'
      ? trapOidVb.value.value
      : undefined;
  if (trapOid === undefined)
    return { malformed: 'no snmpTrapOID.0 in the second varbind (RFC 3416 section 4.2.6)' };
  const ticks =
    uptime?.oid === SYS_UPTIME && typeof uptime.value === 'object' && typeof uptime.value.value === 'number'
      ? uptime.value.value
      : undefined;
  return {
    inform,
    kind: KINDS.get(trapOid) ?? 'enterprise',
    trapOid,
    ...(ticks !== undefined ? { uptimeTicks: ticks } : {}),
    varbinds: rest,
  };
}

/**
 * net-snmp hands over the PDU, not the message: a scoped PDU came in SNMPv3 (RFC 3412), a Trap-PDU
 * exists only in SNMPv1 (RFC 1157), and SNMPv2-Trap and InformRequest otherwise came in SNMPv2c.
 */
export function versionOf(pdu: RawPdu): SnmpVersion {
  if (pdu.scoped) return '3';
  return pdu.type === PDU.Trap ? '1' : '2c';
}
