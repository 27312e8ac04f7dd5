import type { RemoteInfo, Socket } from 'node:dgram';
import type { UsmUser } from './auth-profile.js';
import { toNetSnmpUser } from './net-snmp-user.js';
import {
  createBareAgent,
  END_OF_MIB_VIEW,
  errorFields,
  VERSION_1,
  VERSION_3,
  type NetSnmpAgent,
  type NetSnmpVarbind,
  type PduHandler,
} from './net-snmp-shims.js';
import { formatOid, parseOid, type Oid } from './oid.js';
import { fromNetSnmpValue, toNetSnmpVarbind } from './net-snmp-values.js';
import type { SnmpValue } from './snmp-value.js';
import { createV2cGetAnswerer } from './v2c-get-answer.js';

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

const ERROR_STATUS = {
  noError: 0,
  noSuchName: 2,
  noAccess: 6,
  wrongType: 7,
  wrongValue: 10,
  notWritable: 17,
} as const;

/** The agent and what its PDU handlers read; `current` is the device whose datagram is being answered. */
interface ResponderState<Ctx> {
  agent: NetSnmpAgent;
  view: MibView<Ctx>;
  maxBulkVarbinds: number;
  writeCommunities: Set<string>;
  writeUsers: Set<string>;
  current: Ctx | undefined;
}

/** Parsed OIDs by their text, bounded: a fleet asks the same few hundred objects of every device. */
const PARSED_OIDS_KEPT = 20_000;
const parsedOids = new Map<string, Oid>();

/**
 * The OID of a request's varbind, parsed once per text: parsing (a pattern test, a split, a number per
 * arc) was a sixth of a simulator shard's time in a million-device run. Callers only read it.
 */
function requestedOid(text: string): Oid {
  let oid = parsedOids.get(text);
  if (oid === undefined) {
    oid = parseOid(text);
    if (parsedOids.size >= PARSED_OIDS_KEPT) parsedOids.clear();
    parsedOids.set(text, oid);
  }
  return oid;
}

function respond(
  agent: NetSnmpAgent,
  [socket, request, rinfo]: Parameters<PduHandler>,
  varbinds: NetSnmpVarbind[],
  errorStatus = 0,
  errorIndex = 0,
): void {
  const response = request.pdu.getResponsePduForRequest();
  response.varbinds = varbinds;
  response.errorStatus = errorStatus;
  response.errorIndex = errorIndex;
  agent.sendResponse(socket, rinfo, request, response);
}

function nextVarbind<Ctx>(
  view: MibView<Ctx>,
  ctx: Ctx,
  oidText: string,
  isV1: boolean,
): NetSnmpVarbind | 'end' {
  const found = view.next(ctx, requestedOid(oidText));
  if (found) return toNetSnmpVarbind(formatOid(found.oid), found.value);
  return isV1 ? 'end' : { oid: oidText, type: END_OF_MIB_VIEW, value: null };
}

function answerGet<Ctx>(state: ResponderState<Ctx>, ...args: Parameters<PduHandler>): void {
  const [, request] = args;
  const ctx = state.current as Ctx;
  const isV1 = request.version === VERSION_1;
  const out: NetSnmpVarbind[] = [];
  for (const [i, vb] of request.pdu.varbinds.entries()) {
    const value = state.view.get(ctx, requestedOid(vb.oid));
    // SNMPv1 has no per-varbind exceptions: the whole request fails with noSuchName (RFC 1157).
    if (typeof value === 'string' && isV1)
      return respond(state.agent, args, request.pdu.varbinds, ERROR_STATUS.noSuchName, i + 1);
    out.push(toNetSnmpVarbind(vb.oid, value));
  }
  respond(state.agent, args, out);
}

function answerGetNext<Ctx>(state: ResponderState<Ctx>, ...args: Parameters<PduHandler>): void {
  const [, request] = args;
  const ctx = state.current as Ctx;
  const isV1 = request.version === VERSION_1;
  const out: NetSnmpVarbind[] = [];
  for (const [i, vb] of request.pdu.varbinds.entries()) {
    const next = nextVarbind(state.view, ctx, vb.oid, isV1);
    if (next === 'end')
      return respond(state.agent, args, request.pdu.varbinds, ERROR_STATUS.noSuchName, i + 1);
    out.push(next);
  }
  respond(state.agent, args, out);
}

// RFC 3416 section 4.2.3: N non-repeaters once each, then up to M repetitions of the R others.
function answerGetBulk<Ctx>(state: ResponderState<Ctx>, ...args: Parameters<PduHandler>): void {
  const [, request] = args;
  const { view, maxBulkVarbinds } = state;
  const ctx = state.current as Ctx;
  const requested = request.pdu.varbinds;
  const nonRepeaters = Math.max(0, Math.min(request.pdu.nonRepeaters, requested.length));
  const out: NetSnmpVarbind[] = [];
  for (const vb of requested.slice(0, nonRepeaters))
    out.push(nextVarbind(view, ctx, vb.oid, false) as NetSnmpVarbind);
  const cursors = requested.slice(nonRepeaters).map((vb) => vb.oid);
  const repetitions = Math.max(0, request.pdu.maxRepetitions);
  for (let r = 0; r < repetitions && cursors.length > 0 && out.length < maxBulkVarbinds; r++) {
    let allEnded = true;
    for (let c = 0; c < cursors.length && out.length < maxBulkVarbinds; c++) {
      const next = nextVarbind(view, ctx, cursors[c] as string, false) as NetSnmpVarbind;
      out.push(next);
      if (next.type !== END_OF_MIB_VIEW) {
        cursors[c] = next.oid;
        allEnded = false;
      }
    }
    if (allEnded) break;
  }
  respond(state.agent, args, out);
}

function answerSet<Ctx>(state: ResponderState<Ctx>, ...args: Parameters<PduHandler>): void {
  const [, request] = args;
  const ctx = state.current as Ctx;
  const varbinds = request.pdu.varbinds;
  const principal = request.version === VERSION_3 ? request.user?.name : request.community;
  const mayWrite =
    principal !== undefined && (state.writeCommunities.has(principal) || state.writeUsers.has(principal));
  if (!mayWrite) return respond(state.agent, args, varbinds, ERROR_STATUS.noAccess, 1);
  for (const [i, vb] of varbinds.entries()) {
    const value = fromNetSnmpValue(vb.type, vb.value);
    const outcome = value === undefined ? 'wrongType' : state.view.set(ctx, parseOid(vb.oid), value);
    if (outcome !== 'ok') return respond(state.agent, args, varbinds, ERROR_STATUS[outcome], i + 1);
  }
  respond(state.agent, args, varbinds);
}

/**
 * A multi-device SNMP agent engine. net-snmp's Agent is one MIB per socket and keeps values in a
 * tree, which costs too much at 100k devices; we keep its message layer (BER, communities, USM
 * authentication and privacy, discovery and report PDUs — RFC 3412/3414) and answer the PDUs
 * ourselves from a shared, computed `MibView`. The Agent never binds a socket of its own
 * (`sockets: []`): callers feed it datagrams from the device sockets they own.
 */
export function createSnmpResponder<Ctx>(options: SnmpResponderOptions<Ctx>): SnmpResponder<Ctx> {
  const agent = createBareAgent(options.engineId, (error) =>
    options.onRejected?.(error.message, errorFields(error).rinfo),
  );
  const authorizer = agent.getAuthorizer();
  for (const community of [...options.readCommunities, ...options.writeCommunities])
    authorizer.addCommunity(community);
  for (const user of [...options.readUsers, ...options.writeUsers]) authorizer.addUser(toNetSnmpUser(user));

  const state: ResponderState<Ctx> = {
    agent,
    view: options.view,
    maxBulkVarbinds: options.maxBulkVarbinds ?? 256,
    writeCommunities: new Set(options.writeCommunities),
    writeUsers: new Set(options.writeUsers.map((u) => u.name)),
    current: undefined,
  };
  agent.getRequest = (...args) => answerGet(state, ...args);
  agent.getNextRequest = (...args) => answerGetNext(state, ...args);
  agent.getBulkRequest = (...args) => answerGetBulk(state, ...args);
  agent.setRequest = (...args) => answerSet(state, ...args);
  // A non-empty contextName would send net-snmp's Agent to its proxy forwarder: we serve no contexts.
  agent.onProxyRequest = (...args) => respond(agent, args, args[1].pdu.varbinds, ERROR_STATUS.noAccess, 1);

  const gets = createV2cGetAnswerer<Ctx>(
    [...options.readCommunities, ...options.writeCommunities],
    (ctx, oid) => options.view.get(ctx, oid),
  );

  return {
    handle(ctx, socket, datagram, rinfo) {
      const answer = gets.answer(ctx, datagram);
      if (answer) return void socket.send(answer, 0, answer.length, rinfo.port, rinfo.address);
      // net-snmp's Agent processes a message synchronously from onMsg() to the PDU handlers above, so
      // the device set around that call is the one they answer for.
      state.current = ctx;
      try {
        agent.onMsg(socket, datagram, rinfo);
      } catch (error) {
        // A malformed varbind OID or value that passed BER decoding: the request is dropped, as an agent would.
        options.onRejected?.(error instanceof Error ? error.message : String(error), rinfo);
      } finally {
        state.current = undefined;
      }
    },
  };
}
