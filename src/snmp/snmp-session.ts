import { isIP } from 'node:net';
import snmp from 'net-snmp';
import type { AuthProfile } from './auth-profile.js';
import { exceptionOf, fromNetSnmpValue, isValidOid, toNetSnmpVarbind, typeName } from './net-snmp-values.js';
import { classifyError, MissingCredential, WalkTimedOut, type SnmpOutcome } from './classify-snmp-error.js';
import { guardMessageListeners } from './guard-message-listeners.js';
import { toNetSnmpUser } from './net-snmp-user.js';
import { asSessionUser, sessionSocket, type RawVarbind } from './net-snmp-shims.js';
import type { SnmpValue, SnmpVarbind } from './snmp-value.js';

export interface SnmpTarget {
  host: string;
  port: number;
  profile: AuthProfile;
  timeoutMs?: number;
  retries?: number;
}

export type { SnmpOutcome };

export interface SnmpResult {
  outcome: SnmpOutcome;
  varbinds: SnmpVarbind[];
  /** Why, for anything but ok: our own words, never a library's message (which can hold a community). */
  reason?: string;
  durationMs: number;
}

function openSession(target: SnmpTarget, write: boolean): snmp.Session {
  const { profile } = target;
  const options = {
    port: target.port,
    timeout: target.timeoutMs ?? 2_000,
    retries: target.retries ?? 1,
    idBitsSize: 32,
    // An answer whose OIDs are not the ones asked is not an answer (read by position, it would be wrong).
    reportOidMismatchErrors: true,
  };
  if (profile.version === '3') {
    const user = (write ? profile.writeUser : undefined) ?? profile.user;
    if (!user) throw new MissingCredential(`auth profile ${profile.name} has no SNMPv3 user`);
    return snmp.createV3Session(target.host, asSessionUser(toNetSnmpUser(user)), {
      ...options,
      version: snmp.Version3,
    });
  }
  const community = (write ? profile.writeCommunity : undefined) ?? profile.community;
  if (!community) throw new MissingCredential(`auth profile ${profile.name} has no community`);
  const version = profile.version === '1' ? snmp.Version1 : snmp.Version2c;
  return snmp.createSession(target.host, community.reveal(), { ...options, version });
}

/** Varbinds net-snmp decoded → ours; the first invalid one makes the whole answer malformed. */
function decode(
  varbinds: readonly RawVarbind[],
  options: { keepOpaque?: boolean } = {},
): SnmpVarbind[] | { malformed: string } {
  const out: SnmpVarbind[] = [];
  for (const [i, vb] of varbinds.entries()) {
    if (!isValidOid(vb?.oid)) return { malformed: `varbind ${i + 1}: invalid OID` };
    const exception = exceptionOf(vb.type);
    if (exception) {
      out.push({ oid: vb.oid, value: exception });
      continue;
    }
    const value = fromNetSnmpValue(vb.type, vb.value, options);
    if (!value) return { malformed: `varbind ${i + 1} (${vb.oid}): invalid ${typeName(vb.type)} value` };
    out.push({ oid: vb.oid, value });
  }
  return out;
}

/**
 * The session's socket guarded: datagrams from anywhere but the target are dropped (a connected client's
 * behaviour, RFC 3417 section 3.1 transport addresses), and whatever throws inside net-snmp's handler is
 * reported to `onThrow` for the request it broke.
 */
function guardSession(session: snmp.Session, target: SnmpTarget, onThrow: (error: unknown) => void): void {
  const socket = sessionSocket(session);
  if (!socket) return;
  const expectedAddress = isIP(target.host) === 4 ? target.host : undefined;
  guardMessageListeners(
    socket,
    onThrow,
    (rinfo) =>
      expectedAddress === undefined || (rinfo.address === expectedAddress && rinfo.port === target.port),
  );
}

const MALFORMED_ANSWER = 'the device answered with a malformed SNMP message';

function run(
  target: SnmpTarget,
  write: boolean,
  call: (
    session: snmp.Session,
    done: (error: unknown, varbinds?: readonly RawVarbind[], note?: string) => void,
  ) => void,
): Promise<SnmpResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let session: snmp.Session | undefined;
    let settled = false;
    // A datagram that net-snmp could not parse: ignored (anyone can send one), but if the request then
    // times out, the device most likely sent it, and "malformed" says more than "timeout".
    let sawMalformed = false;
    const finish = (result: Omit<SnmpResult, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      try {
        session?.close();
      } catch {
        // Already closed by a socket error: nothing left to release.
      }
      const outcome =
        result.outcome === 'timeout' && sawMalformed
          ? { outcome: 'malformed' as const, reason: MALFORMED_ANSWER }
          : {};
      resolve({ ...result, ...outcome, durationMs: performance.now() - started });
    };
    try {
      session = openSession(target, write);
    } catch (error) {
      return finish({ varbinds: [], ...classifyError(error) });
    }
    session.on('error', () => {
      sawMalformed = true;
    });
    guardSession(session, target, () =>
      finish({ outcome: 'malformed', varbinds: [], reason: MALFORMED_ANSWER }),
    );
    try {
      call(session, (error, varbinds, note) => {
        if (error) return finish({ varbinds: [], ...classifyError(error) });
        const decoded = decode(varbinds ?? []);
        if ('malformed' in decoded) finish({ outcome: 'malformed', varbinds: [], reason: decoded.malformed });
        else finish({ outcome: 'ok', varbinds: decoded, ...(note ? { reason: note } : {}) });
      });
    } catch (error) {
      finish({ varbinds: [], ...classifyError(error) });
    }
  });
}

export function snmpGet(target: SnmpTarget, oids: string[]): Promise<SnmpResult> {
  return run(target, false, (session, done) =>
    session.get(oids, (error, varbinds) => done(error, varbinds as RawVarbind[])),
  );
}

export function snmpSet(
  target: SnmpTarget,
  varbinds: { oid: string; value: SnmpValue }[],
): Promise<SnmpResult> {
  const encoded = varbinds.map((vb) => toNetSnmpVarbind(vb.oid, vb.value));
  return run(target, true, (session, done) =>
    session.set(encoded as snmp.Varbind[], (error, result) => done(error, result as RawVarbind[])),
  );
}

/** A walk that reached its bound: what it collected so far is kept, the rest is not asked. */
class WalkBounded extends Error {}

/**
 * Walks a subtree with GetBulk (GetNext on v1), bounded so that a buggy or hostile agent cannot keep us:
 * at most `maxVarbinds` varbinds (the rows past it are left out, and `reason` says so) and at most
 * `deadlineMs` in all (an agent answering one varbind at a time, forever, is a timeout).
 */
export function snmpWalk(
  target: SnmpTarget,
  oid: string,
  options: { maxRepetitions?: number; maxVarbinds?: number; deadlineMs?: number } = {},
): Promise<SnmpResult> {
  const maxVarbinds = options.maxVarbinds ?? 10_000;
  const deadlineMs = options.deadlineMs ?? 30_000;
  return run(target, false, (session, done) => {
    const collected: RawVarbind[] = [];
    let finished = false;
    const end = (error: unknown): void => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      if (error instanceof WalkBounded) done(null, collected.slice(0, maxVarbinds), error.message);
      else done(error, collected);
    };
    const deadline = setTimeout(
      () => end(new WalkTimedOut(`walk did not finish within ${Math.round(deadlineMs / 1000)} s`)),
      deadlineMs,
    );
    session.subtree(
      oid,
      options.maxRepetitions ?? 20,
      (varbinds) => {
        if (finished) return true;
        collected.push(...(varbinds as RawVarbind[]));
        if (collected.length < maxVarbinds) return false;
        end(new WalkBounded(`walk stopped after ${maxVarbinds} varbinds`));
        return true;
      },
      (error) => end(error),
    );
  });
}

/** A session kept open for repeated requests to one target (one UDP socket, reused). */
export interface SnmpConnection {
  get(oids: string[]): Promise<SnmpResult>;
  /**
   * The objects after `oid` in one request: GetBulk of `maxRepetitions` (GetNext on v1, which has no
   * GetBulk), values typed as answered (Opaque kept). The caller checks order and bounds: a recorder
   * walks with this step by step, so it can skip subtrees and stop where it means to.
   */
  getBulk(oid: string, maxRepetitions: number): Promise<SnmpResult>;
  close(): void;
}

export function openSnmpConnection(target: SnmpTarget): SnmpConnection {
  const session = openSession(target, false);
  const waiting = new Set<(result: Omit<SnmpResult, 'durationMs'>) => void>();
  // A parse failure surfaces on the request that meets it (as a timeout); the session must not throw.
  session.on('error', () => undefined);
  guardSession(session, target, () => {
    for (const settle of waiting) settle({ outcome: 'malformed', varbinds: [], reason: MALFORMED_ANSWER });
  });
  const request = (
    send: (callback: (error: unknown, varbinds: unknown) => void) => void,
    keepOpaque: boolean,
  ): Promise<SnmpResult> => {
    const started = performance.now();
    return new Promise((resolve) => {
      const settle = (result: Omit<SnmpResult, 'durationMs'>): void => {
        if (!waiting.delete(settle)) return;
        // Named, not spread and extended (V8's slow path, ~3 µs): every SNMPv3 poll and walk step.
        resolve({
          outcome: result.outcome,
          varbinds: result.varbinds,
          reason: result.reason,
          durationMs: performance.now() - started,
        });
      };
      waiting.add(settle);
      send((error, varbinds) => {
        if (error) return settle({ varbinds: [], ...classifyError(error) });
        // GetBulk answers one list per repeated OID: one OID asked, one list.
        const flat = (varbinds as unknown[]).flat() as RawVarbind[];
        const decoded = decode(flat, { keepOpaque });
        if ('malformed' in decoded) settle({ outcome: 'malformed', varbinds: [], reason: decoded.malformed });
        else settle({ outcome: 'ok', varbinds: decoded });
      });
    });
  };
  return {
    get: (oids) => request((callback) => session.get(oids, callback), false),
    getBulk: (oid, maxRepetitions) =>
      request(
        (callback) =>
          target.profile.version === '1'
            ? session.getNext([oid], callback)
            : session.getBulk([oid], 0, maxRepetitions, callback),
        true,
      ),
    close() {
      session.close();
    },
  };
}
