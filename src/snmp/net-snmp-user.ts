import snmp from 'net-snmp';
import type { UsmUser } from './auth-profile.js';
import { AUTH_PROTOCOL, PRIV_PROTOCOL, type NetSnmpUser } from './net-snmp-shims.js';

/** Our USM user (secrets wrapped) → net-snmp's user object. The one place v3 keys are revealed. */
export function toNetSnmpUser(user: UsmUser): NetSnmpUser {
  const level = user.privKey
    ? snmp.SecurityLevel.authPriv
    : user.authKey
      ? snmp.SecurityLevel.authNoPriv
      : snmp.SecurityLevel.noAuthNoPriv;
  const result: NetSnmpUser = { name: user.name, level };
  if (user.authKey) {
    result.authProtocol = AUTH_PROTOCOL[user.authProtocol ?? 'sha'];
    result.authKey = user.authKey.reveal();
  }
  if (user.privKey) {
    result.privProtocol = PRIV_PROTOCOL[user.privProtocol ?? 'aes'];
    result.privKey = user.privKey.reveal();
  }
  return result;
}
