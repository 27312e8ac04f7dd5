import { isOidPrefix, parseOid, type Oid } from '../snmp/oid.js';

/**
 * Subtrees a recording never asks for: they hold credentials or say who may use which (user names,
 * key-change objects, communities and their security names, access views and groups, notification
 * targets with their parameters), or the command lines of the host's processes, where other programs'
 * passwords sit (and Net-SNMP cuts them at 128 characters, so a cut key would pass any exact match).
 * Skipped whatever the agent's view allows, because a fixture outlives the device.
 */
export const CREDENTIAL_SUBTREES: readonly { oid: string; name: string }[] = [
  { oid: '1.3.6.1.2.1.25.4.2.1.5', name: 'HOST-RESOURCES-MIB hrSWRunParameters' },
  { oid: '1.3.6.1.4.1.8072.1.9', name: 'NET-SNMP-VACM-MIB' },
  { oid: '1.3.6.1.6.3.12', name: 'SNMP-TARGET-MIB' },
  { oid: '1.3.6.1.6.3.13', name: 'SNMP-NOTIFICATION-MIB' },
  { oid: '1.3.6.1.6.3.15', name: 'SNMP-USER-BASED-SM-MIB' },
  { oid: '1.3.6.1.6.3.16', name: 'SNMP-VIEW-BASED-ACM-MIB' },
  { oid: '1.3.6.1.6.3.18', name: 'SNMP-COMMUNITY-MIB' },
];

export interface Subtree {
  oid: Oid;
  text: string;
}

export function subtree(text: string): Subtree {
  return { oid: parseOid(text), text: parseOid(text).join('.') };
}

/** The subtree of `skips` that holds `oid`, if any. */
export function skippedSubtree(oid: Oid, skips: readonly Subtree[]): Subtree | undefined {
  return skips.find((skip) => isOidPrefix(skip.oid, oid));
}

/**
 * Where a walk goes on after `skip`: GetNext of the subtree's root with its last arc raised asks for the
 * first object past everything under the root (instances always sit deeper than a MIB module's root).
 */
export function pastSubtree(skip: Subtree): string {
  const last = skip.oid[skip.oid.length - 1] as number;
  return [...skip.oid.slice(0, -1), last + 1].join('.');
}
