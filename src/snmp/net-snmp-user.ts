import snmp from 'net-snmp';
import type { UsmUser } from './auth-profile.js';

/** Our USM user (secrets wrapped) → net-snmp's user object. The one place v3 keys are revealed. */
export function toNetSnmpUser(user: UsmUser): Record<string, unknown> {
  const level = user.privKey
    ? snmp.SecurityLevel.authPriv
    : user.authKey
      ? snmp.SecurityLevel.authNoPriv
      : snmp.SecurityLevel.noAuthNoPriv;
  const result: Record<string, unknown> = { name: user.name, level };
  if (user.authKey) {
    result.authProtocol = (snmp.AuthProtocols as unknown as Record<string, number>)[
      user.authProtocol ?? 'sha'
    ];
    result.authKey = user.authKey.reveal();
  }
  if (user.privKey) {
    result.privProtocol = (snmp.PrivProtocols as unknown as Record<string, number>)[
      user.privProtocol ?? 'aes'
    ];
    result.privKey = user.privKey.reveal();
  }
  return result;
}
