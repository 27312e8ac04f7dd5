import type { SnmpValue, SnmpVarbind } from './snmp-value.js';

/**
 * The alarms an access node or base station raises for itself or for a CPE below it, as the
 * simulator's enterprise MIB defines them (enterprise 32473 is reserved for documentation, RFC 5612):
 * vigilSimNotifications = 1.3.6.1.4.1.32473.4.0, each carrying vigilSimAlarmSubject.0 (4.1.1.0), the
 * sysName of the device the alarm is about. A real OLT or eNodeB names the same events in its own
 * MIB (ONU dying gasp, LOSi/LOFi, eNodeB power failure); these stand for them.
 */
export const ALARM_TRAP_OIDS = {
  /** The sender lost power (or names a CPE below it that did): sent in the last milliseconds. */
  dying_gasp: '1.3.6.1.4.1.32473.4.0.1',
  /** The sender lost the signal of a CPE below it (fibre cut, CPE unpowered). */
  loss_of_signal: '1.3.6.1.4.1.32473.4.0.2',
} as const;

export type Alarm = keyof typeof ALARM_TRAP_OIDS;

/** vigilSimAlarmSubject.0: OCTET STRING, the sysName (inventory id) of the device the alarm is about. */
export const ALARM_SUBJECT_OID = '1.3.6.1.4.1.32473.4.1.1.0';

/** Longest subject name taken from a trap: an inventory id (at most 128 characters), not a payload. */
const MAX_SUBJECT_LENGTH = 128;

/**
 * What an alarm trap says (pure): the alarm and the subject's name, or undefined when the trap is no
 * alarm we know. A missing subject means the sender itself; a subject that is no inventory id (not an
 * OCTET STRING, empty, too long, with whitespace) makes the whole trap no alarm: it must never fall
 * back to meaning the sender.
 */
export function alarmOf(trap: {
  trapOid: string;
  varbinds: readonly SnmpVarbind[];
}): { alarm: Alarm; subject?: string } | undefined {
  const alarm = (Object.keys(ALARM_TRAP_OIDS) as Alarm[]).find((a) => ALARM_TRAP_OIDS[a] === trap.trapOid);
  if (alarm === undefined) return undefined;
  const varbind = trap.varbinds.find((vb) => vb.oid === ALARM_SUBJECT_OID);
  if (varbind === undefined) return { alarm };
  const { value } = varbind;
  if (typeof value !== 'object' || value.type !== 'OctetString') return undefined;
  const text = Buffer.isBuffer(value.value) ? value.value.toString('utf8') : value.value;
  if (text.length === 0 || text.length > MAX_SUBJECT_LENGTH || !/^\S+$/u.test(text)) return undefined;
  return { alarm, subject: text };
}

/** The varbinds of an alarm trap about `subject`. */
export function alarmVarbinds(subject: string): { oid: string; value: SnmpValue }[] {
  return [{ oid: ALARM_SUBJECT_OID, value: { type: 'OctetString', value: subject } }];
}

/** IF-MIB ifIndex and ifAdminStatus columns (RFC 2863): a linkDown trap's first two varbinds. */
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1.';
const IF_ADMIN_STATUS = '1.3.6.1.2.1.2.2.1.7.';

/**
 * The interface a linkDown trap names (pure): the instance of its ifIndex varbind, unless the trap
 * says the interface is administratively down (shut on purpose: no fault). Undefined when it names none.
 */
export function linkDownIfIndex(trap: { varbinds: readonly SnmpVarbind[] }): string | undefined {
  const named = trap.varbinds.find((vb) => vb.oid.startsWith(IF_INDEX));
  if (!named) return undefined;
  const ifIndex = named.oid.slice(IF_INDEX.length);
  if (!/^\d{1,10}$/.test(ifIndex)) return undefined;
  const admin = trap.varbinds.find((vb) => vb.oid === `${IF_ADMIN_STATUS}${ifIndex}`)?.value;
  if (typeof admin === 'object' && admin.type === 'Integer' && admin.value !== 1) return undefined;
  return ifIndex;
}
