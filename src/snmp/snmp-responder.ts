import type { RemoteInfo, Socket } from 'node:dgram';
import snmp from 'net-snmp';
import type { UsmUser } from './auth-profile.js';
import { toNetSnmpUser } from './net-snmp-user.js';
import { formatOid, parseOid, type Oid } from './oid.js';
import { fromNetSnmpValue, toNetSnmpVarbind } from './net-snmp-values.js';
import type { SnmpValue } from './snmp-value.js';

/** What an agent answers for one device: the device itself is the `Ctx` handed to every call. */
export interface MibView<Ctx> {
  get(ctx: Ctx, oid: Oid): SnmpValue | 'noSuchObject' | 'noSuchInstance';
  /** The first object after `oid` in lexicographic order, or undefined at the end of the MIB view. */
  next(ctx: Ctx, oid: Oid): { oid: Oid; value: SnmpValue } | undefined;
  set(ctx: Ctx, oid: Oid, value: SnmpValue): SetOutcome;
}

export type SetOutcome = 'ok' | 'notWritable' | 'wrongType' | 'wrongValue';

export interface SnmpResponderOptions<Ctx> {
  view: MibView<Ctx>;
  readCommunities: string[];
  writeCommunities: string[];
  readUsers: UsmUser[];
  writeUsers: UsmUser[];
  /** Hex engine id for SNMPv3 (RFC 3411 SnmpEngineID); generated when absent. */
  engineId?: string;
  /** Upper bound on varbinds in one GetBulk response, whatever max-repetitions asks for. */
  maxBulkVarbinds?: number;
  /** Bad packets, unknown communities, authentication failures: counted by the caller, never thrown. */
  onRejected?(reason: string, rinfo: RemoteInfo | undefined): void;
}

export interface SnmpResponder<Ctx> {
  /** Answers one datagram received on `socket` for the device `ctx`. Never throws. */
  handle(ctx: Ctx, socket: Socket, datagram: Buffer, rinfo: RemoteInfo): void;
}

interface NetSnmpVarbind {
  oid: string;
  type: number;
  value: unknown;
}

interface NetSnmpMessage {
  version: number;
  community?: string;
  user?: { name: string };
  pdu: {
    type: number;
    varbinds: NetSnmpVarbind[];
    nonRepeaters: number;
    maxRepetitions: number;
    getResponsePduForRequest(): { varbinds: NetSnmpVarbind[]; errorStatus: number; errorIndex: number };
  };
}

type PduHandler = (socket: Socket, message: NetSnmpMessage, rinfo: RemoteInfo) => void;

const V1 = snmp.Version1 as unknown as number;
const ERROR_STATUS = {
  noError: 0,
  noSuchName: 2,
  noAccess: 6,
  wrongType: 7,
  wrongValue: 10,
  notWritable: 17,
} as const;

/**
 * A multi-device SNMP agent engine. net-snmp's Agent is one MIB per socket and keeps values in a
 * tree, which costs too much at 100k devices; we keep its message layer (BER, communities, USM
 * authentication and privacy, discovery and report PDUs — RFC 3412/3414) and answer the PDUs
 * ourselves from a shared, computed `MibView`. The Agent never binds a socket of its own
 * (`sockets: []`): callers feed it datagrams from the device sockets they own.
 */
export function createSnmpResponder<Ctx>(options: SnmpResponderOptions<Ctx>): SnmpResponder<Ctx> {
  const { view } = options;
  const maxBulkVarbinds = options.maxBulkVarbinds ?? 256;
  const writeCommunities = new Set(options.writeCommunities);
  const writeUsers = new Set(options.writeUsers.map((u) => u.name));

  const agent = snmp.createAgent(
    { sockets: [], ...(options.engineId ? { engineID: options.engineId } : {}) },
    (error: Error | null) => {
      if (error) options.onRejected?.(error.message, (error as Error & { rinfo?: RemoteInfo }).rinfo);
    },
  ) as {
    getAuthorizer(): { addCommunity(c: string): void; addUser(u: unknown): void };
    onMsg(socket: Socket, buffer: Buffer, rinfo: RemoteInfo): void;
    sendResponse(socket: Socket, rinfo: RemoteInfo, request: NetSnmpMessage, response: unknown): void;
  } & Record<
    'getRequest' | 'getNextRequest' | 'getBulkRequest' | 'setRequest' | 'onProxyRequest',
    PduHandler
  >;

  const authorizer = agent.getAuthorizer();
  for (const community of [...options.readCommunities, ...options.writeCommunities])
    authorizer.addCommunity(community);
  for (const user of [...options.readUsers, ...options.writeUsers]) authorizer.addUser(toNetSnmpUser(user));

  // The device whose datagram is being answered. net-snmp's Agent processes a message synchronously
  // from onMsg() to the PDU handlers below, so the context set around that call is the right one.
  let current: Ctx | undefined;

  const respond = (
    socket: Socket,
    request: NetSnmpMessage,
    rinfo: RemoteInfo,
    varbinds: NetSnmpVarbind[],
    errorStatus = 0,
    errorIndex = 0,
  ): void => {
    const response = request.pdu.getResponsePduForRequest();
    response.varbinds = varbinds;
    response.errorStatus = errorStatus;
    response.errorIndex = errorIndex;
    agent.sendResponse(socket, rinfo, request, response);
  };

  const nextVarbind = (ctx: Ctx, oidText: string, isV1: boolean): NetSnmpVarbind | 'end' => {
    const found = view.next(ctx, parseOid(oidText));
    if (found) return toNetSnmpVarbind(formatOid(found.oid), found.value);
    return isV1
      ? 'end'
      : { oid: oidText, type: snmp.ObjectType.EndOfMibView as unknown as number, value: null };
  };

  agent.getRequest = (socket, request, rinfo) => {
    const ctx = current as Ctx;
    const isV1 = request.version === V1;
    const out: NetSnmpVarbind[] = [];
    for (const [i, vb] of request.pdu.varbinds.entries()) {
      const value = view.get(ctx, parseOid(vb.oid));
      if (typeof value === 'string') {
        // SNMPv1 has no per-varbind exceptions: the whole request fails with noSuchName (RFC 1157).
        if (isV1)
          return respond(socket, request, rinfo, request.pdu.varbinds, ERROR_STATUS.noSuchName, i + 1);
        out.push(toNetSnmpVarbind(vb.oid, value));
      } else {
        out.push(toNetSnmpVarbind(vb.oid, value));
      }
    }
    respond(socket, request, rinfo, out);
  };

  agent.getNextRequest = (socket, request, rinfo) => {
    const ctx = current as Ctx;
    const isV1 = request.version === V1;
    const out: NetSnmpVarbind[] = [];
    for (const [i, vb] of request.pdu.varbinds.entries()) {
      const next = nextVarbind(ctx, vb.oid, isV1);
      if (next === 'end')
        return respond(socket, request, rinfo, request.pdu.varbinds, ERROR_STATUS.noSuchName, i + 1);
      out.push(next);
    }
    respond(socket, request, rinfo, out);
  };

  // RFC 3416 section 4.2.3: N non-repeaters once each, then up to M repetitions of the R others.
  agent.getBulkRequest = (socket, request, rinfo) => {
    const ctx = current as Ctx;
    const requested = request.pdu.varbinds;
    const nonRepeaters = Math.max(0, Math.min(request.pdu.nonRepeaters, requested.length));
    const out: NetSnmpVarbind[] = [];
    for (const vb of requested.slice(0, nonRepeaters))
      out.push(nextVarbind(ctx, vb.oid, false) as NetSnmpVarbind);
    const cursors = requested.slice(nonRepeaters).map((vb) => vb.oid);
    const repetitions = Math.max(0, request.pdu.maxRepetitions);
    for (let r = 0; r < repetitions && cursors.length > 0 && out.length < maxBulkVarbinds; r++) {
      let allEnded = true;
      for (let c = 0; c < cursors.length && out.length < maxBulkVarbinds; c++) {
        const next = nextVarbind(ctx, cursors[c] as string, false) as NetSnmpVarbind;
        out.push(next);
        if (next.type !== (snmp.ObjectType.EndOfMibView as unknown as number)) {
          cursors[c] = next.oid;
          allEnded = false;
        }
      }
      if (allEnded) break;
    }
    respond(socket, request, rinfo, out);
  };

  agent.setRequest = (socket, request, rinfo) => {
    const ctx = current as Ctx;
    const varbinds = request.pdu.varbinds;
    const principal =
      request.version === (snmp.Version3 as unknown as number) ? request.user?.name : request.community;
    const mayWrite =
      principal !== undefined && (writeCommunities.has(principal) || writeUsers.has(principal));
    if (!mayWrite) return respond(socket, request, rinfo, varbinds, ERROR_STATUS.noAccess, 1);
    for (const [i, vb] of varbinds.entries()) {
      const value = fromNetSnmpValue(vb.type, vb.value);
      const outcome = value === undefined ? 'wrongType' : view.set(ctx, parseOid(vb.oid), value);
      if (outcome !== 'ok') return respond(socket, request, rinfo, varbinds, ERROR_STATUS[outcome], i + 1);
    }
    respond(socket, request, rinfo, varbinds);
  };

  // A non-empty contextName would send net-snmp's Agent to its proxy forwarder: we serve no contexts.
  agent.onProxyRequest = (socket, request, rinfo) => {
    respond(socket, request, rinfo, request.pdu.varbinds, ERROR_STATUS.noAccess, 1);
  };

  return {
    handle(ctx, socket, datagram, rinfo) {
      current = ctx;
      try {
        agent.onMsg(socket, datagram, rinfo);
      } catch (error) {
        // A malformed varbind OID or value that passed BER decoding: the request is dropped, as an agent would.
        options.onRejected?.(error instanceof Error ? error.message : String(error), rinfo);
      } finally {
        current = undefined;
      }
    },
  };
}
