import { describe, expect, it } from 'vitest';
import {
  ALARM_SUBJECT_OID,
  ALARM_TRAP_OIDS,
  alarmOf,
  alarmVarbinds,
  linkDownIfIndex,
} from '../../src/snmp/alarm-traps.js';
import type { SnmpVarbind } from '../../src/snmp/snmp-value.js';

const trap = (trapOid: string, varbinds: SnmpVarbind[] = []) => ({ trapOid, varbinds });

describe('alarm traps', () => {
  it('reads the alarm and its subject, as the simulator sends them', () => {
    expect(alarmOf(trap(ALARM_TRAP_OIDS.loss_of_signal, alarmVarbinds('cpe-000042')))).toEqual({
      alarm: 'loss_of_signal',
      subject: 'cpe-000042',
    });
    expect(alarmOf(trap(ALARM_TRAP_OIDS.dying_gasp))).toEqual({ alarm: 'dying_gasp' });
  });

  it('is no alarm for other traps', () => {
    expect(alarmOf(trap('1.3.6.1.6.3.1.1.5.3'))).toBeUndefined();
    expect(alarmOf(trap(`${ALARM_TRAP_OIDS.dying_gasp}.1`))).toBeUndefined();
  });

  it('never falls back to the sender when the subject is not an inventory id', () => {
    const subjects: SnmpVarbind['value'][] = [
      { type: 'Integer', value: 7 },
      { type: 'OctetString', value: '' },
      { type: 'OctetString', value: 'two words' },
      { type: 'OctetString', value: 'x'.repeat(129) },
      'noSuchObject',
    ];
    for (const value of subjects)
      expect(alarmOf(trap(ALARM_TRAP_OIDS.dying_gasp, [{ oid: ALARM_SUBJECT_OID, value }]))).toBeUndefined();
  });

  it('reads a subject sent as bytes', () => {
    const value = { type: 'OctetString' as const, value: Buffer.from('an-0001') };
    expect(alarmOf(trap(ALARM_TRAP_OIDS.dying_gasp, [{ oid: ALARM_SUBJECT_OID, value }]))).toEqual({
      alarm: 'dying_gasp',
      subject: 'an-0001',
    });
  });

  it('reads the interface a linkDown names, unless it was shut on purpose', () => {
    const int = (value: number) => ({ type: 'Integer' as const, value });
    expect(linkDownIfIndex({ varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', value: int(3) }] })).toBe('3');
    expect(
      linkDownIfIndex({
        varbinds: [
          { oid: '1.3.6.1.2.1.2.2.1.1.3', value: int(3) },
          { oid: '1.3.6.1.2.1.2.2.1.7.3', value: int(2) },
        ],
      }),
    ).toBeUndefined();
    expect(linkDownIfIndex({ varbinds: [] })).toBeUndefined();
    expect(linkDownIfIndex({ varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.x', value: int(1) }] })).toBeUndefined();
  });
});
