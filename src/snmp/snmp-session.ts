import snmp from 'net-snmp';
import type { AuthProfile } from './auth-profile.js';
import { fromNetSnmpValue, toNetSnmpVarbind } from './net-snmp-values.js';
import { toNetSnmpUser } from './net-snmp-user.js';
import type { SnmpException, SnmpValue, SnmpVarbind } from './snmp-value.js';

export interface SnmpTarget {
  host: string;
  port: number;
  profile: AuthProfile;
  timeoutMs?: number;
  retries?: number;
}

/** What happened to a request: a device that misbehaves is an outcome, never an exception. */
export type SnmpOutcome = 'ok' | 'timeout' | 'auth_failed' | 'error_status' | 'transport_error';

export interface SnmpResult {
  outcome: SnmpOutcome;
  varbinds: SnmpVarbind[];
  /** Human-readable reason for anything but ok (never contains a credential). */
  reason?: string;
  durationMs: number;
}

const T = snmp.ObjectType as unknown as Record<string, number>;
const EXCEPTIONS = new Map<number, SnmpException>([
  [T.NoSuchObject as number, 'noSuchObject'],
  [T.NoSuchInstance as number, 'noSuchInstance'],
  [T.EndOfMibView as number, 'endOfMibView'],
]);

interface NetSnmpVarbind {
  oid: string;
  type: number;
  value: unknown;
}

function openSession(target: SnmpTarget, write: boolean): snmp.Session {
  const { profile } = target;
  const options = {
    port: target.port,
    timeout: target.timeoutMs ?? 2_000,
    retries: target.retries ?? 1,
    idBitsSize: 32,
  };
  if (profile.version === '3') {
    const user = (write ? profile.writeUser : undefined) ?? profile.user;
    if (!user) throw new Error(`auth profile ${profile.name} has no SNMPv3 user`);
    return snmp.createV3Session(target.host, toNetSnmpUser(user) as unknown as snmp.User, {
      ...options,
      version: snmp.Version3,
    });
  }
  const community = (write ? profile.writeCommunity : undefined) ?? profile.community;
  if (!community) throw new Error(`auth profile ${profile.name} has no community`);
  const version = profile.version === '1' ? snmp.Version1 : snmp.Version2c;
  return snmp.createSession(target.host, community.reveal(), { ...options, version });
}

function decode(varbinds: NetSnmpVarbind[]): SnmpVarbind[] {
  return varbinds.map((vb) => {
    const exception = EXCEPTIONS.get(vb.type);
    if (exception) return { oid: vb.oid, value: exception };
    const value: SnmpValue = fromNetSnmpValue(vb.type, vb.value) ?? { type: 'Null', value: null };
    return { oid: vb.oid, value };
  });
}

const INVALID = snmp.ResponseInvalidCode as unknown as Record<string, number>;
/** RFC 3416 section 3: authorizationError(16), the agent's access control refusing this principal. */
const AUTHORIZATION_ERROR = 16;

/**
 * Classifies a net-snmp failure. Authentication problems arrive as USM reports (RFC 3414 section 3.2:
 * usmStatsWrongDigests, usmStatsUnknownUserNames, usmStatsNotInTimeWindows, …), which net-snmp turns
 * into ResponseInvalidError code EAuthFailure, or as a local digest/decryption failure; an agent whose
 * VACM (RFC 3415) refuses a valid user answers authorizationError. All of them mean the device answers
 * but not to us: the cure is credentials, so they are auth_failed, not a transport problem.
 */
export function classifyError(error: unknown): { outcome: SnmpOutcome; reason: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof (snmp as unknown as { RequestTimedOutError: new () => Error }).RequestTimedOutError)
    return { outcome: 'timeout', reason: 'request timed out' };
  const code = (error as { code?: unknown } | null)?.code;
  if (
    (error instanceof snmp.ResponseInvalidError &&
      (code === INVALID.EAuthFailure ||
        code === INVALID.ECouldNotDecrypt ||
        code === INVALID.ENotInTimeWindow)) ||
    /authentication|digest|unknown user|usmStats|decrypt|wrong.*key|not in time window/i.test(message)
  ) {
    return { outcome: 'auth_failed', reason: message };
  }
  if (error instanceof snmp.RequestFailedError) {
    const status = (error as { status?: unknown }).status;
    if (status === AUTHORIZATION_ERROR)
      return {
        outcome: 'auth_failed',
        reason: 'authorizationError: the agent refuses this user or security level',
      };
    return { outcome: 'error_status', reason: message };
  }
  // Node's OpenSSL 3 ships DES only in its legacy provider (RFC 3414's CBC-DES privacy protocol).
  if (/digital envelope routines::unsupported/.test(message))
    return {
      outcome: 'transport_error',
      reason: `${message}: this Node.js has no DES; use AES, or run with NODE_OPTIONS=--openssl-legacy-provider`,
    };
  return { outcome: 'transport_error', reason: message };
}

function run(
  target: SnmpTarget,
  write: boolean,
  call: (session: snmp.Session, done: (error: unknown, varbinds?: NetSnmpVarbind[]) => void) => void,
): Promise<SnmpResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let session: snmp.Session;
    let settled = false;
    const finish = (result: Omit<SnmpResult, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      try {
        session?.close();
      } catch {
        // Already closed by a socket error: nothing left to release.
      }
      resolve({ ...result, durationMs: performance.now() - started });
    };
    try {
      session = openSession(target, write);
    } catch (error) {
      return finish({
        outcome: 'transport_error',
        varbinds: [],
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    session.on('error', (error: unknown) => finish({ varbinds: [], ...classifyError(error) }));
    call(session, (error, varbinds) => {
      if (error) finish({ varbinds: [], ...classifyError(error) });
      else finish({ outcome: 'ok', varbinds: decode(varbinds ?? []) });
    });
  });
}

export function snmpGet(target: SnmpTarget, oids: string[]): Promise<SnmpResult> {
  return run(target, false, (session, done) =>
    session.get(oids, (error, varbinds) => done(error, varbinds as NetSnmpVarbind[])),
  );
}

export function snmpSet(
  target: SnmpTarget,
  varbinds: { oid: string; value: SnmpValue }[],
): Promise<SnmpResult> {
  const encoded = varbinds.map((vb) => toNetSnmpVarbind(vb.oid, vb.value));
  return run(target, true, (session, done) =>
    session.set(encoded as snmp.Varbind[], (error, result) => done(error, result as NetSnmpVarbind[])),
  );
}

/** Walks a subtree with GetBulk (GetNext on v1), stopping after `maxVarbinds` so a buggy agent cannot loop us. */
export function snmpWalk(
  target: SnmpTarget,
  oid: string,
  options: { maxRepetitions?: number; maxVarbinds?: number } = {},
): Promise<SnmpResult> {
  const maxVarbinds = options.maxVarbinds ?? 10_000;
  return run(target, false, (session, done) => {
    const collected: NetSnmpVarbind[] = [];
    let failure: unknown;
    session.subtree(
      oid,
      options.maxRepetitions ?? 20,
      (varbinds) => {
        collected.push(...(varbinds as NetSnmpVarbind[]));
        if (collected.length >= maxVarbinds) {
          failure = new Error(`walk of ${oid} stopped after ${maxVarbinds} varbinds`);
          return true;
        }
        return false;
      },
      (error) => done(error ?? failure, collected),
    );
  });
}

/** A session kept open for repeated requests to one target (one UDP socket, reused). */
export interface SnmpConnection {
  get(oids: string[]): Promise<SnmpResult>;
  close(): void;
}

export function openSnmpConnection(target: SnmpTarget): SnmpConnection {
  const session = openSession(target, false);
  // Socket errors surface on the request that meets them; the session itself must not throw.
  session.on('error', () => undefined);
  return {
    get(oids) {
      const started = performance.now();
      return new Promise((resolve) => {
        session.get(oids, (error, varbinds) => {
          const durationMs = performance.now() - started;
          if (error) resolve({ varbinds: [], durationMs, ...classifyError(error) });
          else resolve({ outcome: 'ok', varbinds: decode(varbinds as NetSnmpVarbind[]), durationMs });
        });
      });
    },
    close() {
      session.close();
    },
  };
}
