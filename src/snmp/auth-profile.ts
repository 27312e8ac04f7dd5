import type { Secret } from '../shared/secret.js';

export const SNMP_VERSIONS = ['1', '2c', '3'] as const;
export type SnmpVersion = (typeof SNMP_VERSIONS)[number];

export const AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type AuthProtocol = (typeof AUTH_PROTOCOLS)[number];

export const PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export type PrivProtocol = (typeof PRIV_PROTOCOLS)[number];

/** USM credentials of one SNMPv3 user (RFC 3414). No auth key means noAuthNoPriv. */
export interface UsmUser {
  name: string;
  authProtocol?: AuthProtocol;
  authKey?: Secret;
  privProtocol?: PrivProtocol;
  privKey?: Secret;
}

/**
 * How to talk to a device, referenced by name from the inventory (`auth`). Secrets come from the
 * environment only (VIGIL_SNMP_<PROFILE>_*), never from files in the repository.
 */
export interface AuthProfile {
  name: string;
  version: SnmpVersion;
  /** v1/v2c read community. */
  community?: Secret;
  /** v1/v2c community for SETs (the reboot); falls back to `community`. */
  writeCommunity?: Secret;
  /** v3 read user. */
  user?: UsmUser;
  /** v3 user for SETs; falls back to `user`. */
  writeUser?: UsmUser;
}

/** Inventory profile names map to env names: "lte-sim" → VIGIL_SNMP_LTE_SIM_*. */
export function profileEnvName(profile: string): string {
  return profile.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
