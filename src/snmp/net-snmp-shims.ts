import type { RemoteInfo, Socket } from 'node:dgram';
import snmp from 'net-snmp';

/*
 * What net-snmp does at run time that its published types (@types/net-snmp) do not say, written down
 * once: its enums as plain code tables, the error class and the internals we reach (the agent's PDU
 * handlers, the receiver's authorizer, a session's socket), and the shapes of what it hands over.
 * Every other file of src/snmp/ takes these names instead of casting net-snmp values itself.
 */

/** net-snmp's type codes by name (`Integer`, `Counter64`…) and, reversed, names by code. */
export const OBJECT_TYPE = snmp.ObjectType as unknown as Record<string, number> & Record<number, unknown>;
/** PDU tags by name (`Trap`, `InformRequest`…). */
export const PDU_TYPE = snmp.PduType as unknown as Record<string, number>;
/** ResponseInvalidError codes by name (`EAuthFailure`…). */
export const RESPONSE_INVALID_CODE = snmp.ResponseInvalidCode as unknown as Record<string, number>;
/** RFC 3416 error-status names by code. */
export const ERROR_STATUS_NAME = snmp.ErrorStatus as unknown as Record<number, string>;
export const AUTH_PROTOCOL = snmp.AuthProtocols as unknown as Record<string, number>;
export const PRIV_PROTOCOL = snmp.PrivProtocols as unknown as Record<string, number>;
export const VERSION_1 = snmp.Version1 as unknown as number;
export const VERSION_3 = snmp.Version3 as unknown as number;
export const END_OF_MIB_VIEW = snmp.ObjectType.EndOfMibView as unknown as number;

/** Thrown (handed to callbacks) when a request got no answer in time; exported but not typed. */
export const RequestTimedOutError = (snmp as unknown as { RequestTimedOutError: new () => Error })
  .RequestTimedOutError;

/** The fields of net-snmp's errors we read; which ones are set depends on the class. */
export interface NetSnmpErrorFields {
  code?: unknown;
  status?: unknown;
  /** A ProcessingError's underlying decode error. */
  error?: Error;
  rinfo?: RemoteInfo;
}

/** Our USM user in net-snmp's shape: `snmp.User` as the session and the authorizer take it. */
export type NetSnmpUser = Record<string, unknown>;

/** A varbind as we hand it to net-snmp to encode. */
export interface NetSnmpVarbind {
  oid: string;
  type: number;
  value: unknown;
}

/** A varbind as net-snmp hands it over, decoded from a datagram: nothing about it is checked yet. */
export interface RawVarbind {
  oid: unknown;
  type: unknown;
  value: unknown;
}

/** A received notification PDU (net-snmp's Receiver hands over the PDU, not the message). */
export interface RawPdu {
  type: number;
  scoped?: boolean;
  varbinds: RawVarbind[];
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  upTime?: number;
}

export interface RawNotification {
  pdu: RawPdu;
  rinfo: { address: string; port: number };
}

/** A request message as the Agent hands it to a PDU handler. */
export interface NetSnmpMessage {
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

export type PduHandler = (socket: Socket, message: NetSnmpMessage, rinfo: RemoteInfo) => void;

export interface NetSnmpAuthorizer {
  addCommunity(community: string): void;
  addUser(user: NetSnmpUser): void;
}

/** The Agent's message layer, fed datagrams by us, and the PDU handlers we replace. */
export type NetSnmpAgent = {
  getAuthorizer(): NetSnmpAuthorizer;
  onMsg(socket: Socket, buffer: Buffer, rinfo: RemoteInfo): void;
  sendResponse(socket: Socket, rinfo: RemoteInfo, request: NetSnmpMessage, response: unknown): void;
} & Record<'getRequest' | 'getNextRequest' | 'getBulkRequest' | 'setRequest' | 'onProxyRequest', PduHandler>;

export interface NetSnmpReceiver {
  getAuthorizer(): NetSnmpAuthorizer;
  close(callback?: () => void): void;
}

/** A net-snmp agent with no socket of its own; rejected datagrams go to `onError`. */
export function createBareAgent(engineId: string | undefined, onError: (error: Error) => void): NetSnmpAgent {
  return snmp.createAgent(
    { sockets: [], ...(engineId ? { engineID: engineId } : {}) },
    (error: Error | null) => {
      if (error) onError(error);
    },
  ) as NetSnmpAgent;
}

/** Our USM user as the session factories take it. */
export function asSessionUser(user: NetSnmpUser): snmp.User {
  return user as unknown as snmp.User;
}

/** The socket a session bound (net-snmp keeps it in an undeclared field). */
export function sessionSocket(session: snmp.Session): Socket | undefined {
  return (session as unknown as { dgram?: Socket }).dgram;
}

/** The receiver's undeclared authorizer and close. */
export function asReceiver(receiver: unknown): NetSnmpReceiver {
  return receiver as NetSnmpReceiver;
}

/** The fields net-snmp's errors may carry (absent on anything else). */
export function errorFields(error: unknown): NetSnmpErrorFields {
  return typeof error === 'object' && error !== null ? error : {};
}
