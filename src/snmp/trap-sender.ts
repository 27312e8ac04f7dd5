import snmp from 'net-snmp';
import type { UsmUser } from './auth-profile.js';
import { toNetSnmpVarbind } from './net-snmp-values.js';
import { toNetSnmpUser } from './net-snmp-user.js';
import { asSessionUser } from './net-snmp-shims.js';
import type { SnmpValue } from './snmp-value.js';

/** Standard notifications of SNMPv2-MIB and IF-MIB (RFC 3418, RFC 2863) the simulator sends. */
export const TRAP_OIDS = {
  coldStart: '1.3.6.1.6.3.1.1.5.1',
  warmStart: '1.3.6.1.6.3.1.1.5.2',
  linkDown: '1.3.6.1.6.3.1.1.5.3',
  linkUp: '1.3.6.1.6.3.1.1.5.4',
} as const;

export interface TrapRequest {
  /** The device's own address: receivers identify the sender by the datagram's source. */
  sourceAddress: string;
  targetHost: string;
  targetPort: number;
  community: string;
  trapOid: string;
  /** sysUpTime of the sender, in hundredths of a second. */
  uptimeTicks: number;
  varbinds: { oid: string; value: SnmpValue }[];
}

/**
 * Sends one SNMPv2c trap (RFC 3416 section 4.2.6) from `sourceAddress`. A session lives only for the
 * send: traps are rare next to polls and a process-wide descriptor budget is better spent on agents.
 */
export function sendTrap(request: TrapRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = snmp.createSession(request.targetHost, request.community, {
      version: snmp.Version2c,
      trapPort: request.targetPort,
      sourceAddress: request.sourceAddress,
    });
    const done = (error?: Error | null): void => {
      session.close();
      if (error) reject(error);
      else resolve();
    };
    session.on('error', done);
    const varbinds = request.varbinds.map((vb) => toNetSnmpVarbind(vb.oid, vb.value));
    // net-snmp substitutes its own process uptime for a falsy upTime: a device just booted reports 1, not 0.
    const upTime = Math.max(1, request.uptimeTicks);
    session.trap(request.trapOid, varbinds as snmp.Varbind[], { upTime } as never, done);
  });
}

/**
 * Sends one SNMPv3 trap as `user` (authNoPriv or authPriv per the user's keys), net-snmp acting as the
 * authoritative engine `engineId` (RFC 3414 section 1.5.1: the sender of a trap is authoritative).
 */
export function sendTrapV3(request: {
  targetHost: string;
  targetPort: number;
  user: UsmUser;
  engineId: string;
  trapOid: string;
  varbinds: { oid: string; value: SnmpValue }[];
}): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = snmp.createV3Session(request.targetHost, asSessionUser(toNetSnmpUser(request.user)), {
      version: snmp.Version3,
      trapPort: request.targetPort,
      engineID: request.engineId,
    });
    const done = (error?: Error | null): void => {
      session.close();
      if (error) reject(error);
      else resolve();
    };
    session.on('error', done);
    const varbinds = request.varbinds.map((vb) => toNetSnmpVarbind(vb.oid, vb.value));
    session.trap(request.trapOid, varbinds as snmp.Varbind[], done);
  });
}
