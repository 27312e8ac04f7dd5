import snmp from 'net-snmp';
import { errorFields, RESPONSE_INVALID_CODE } from './net-snmp-shims.js';

/** Why a datagram was not delivered as a trap (a metric label, too). */
export const TRAP_REJECTIONS = [
  'malformed',
  'unknown_community',
  'unknown_user',
  'auth_failed',
  'unsupported_pdu',
  'socket_error',
  'handler_error',
  // More traps in hand than the trap handler takes at once (a flood): dropped before any work.
  'overloaded',
] as const;
export type TrapRejection = (typeof TRAP_REJECTIONS)[number];

const INVALID = RESPONSE_INVALID_CODE;

/**
 * net-snmp's reasons for refusing a datagram, as our rejection codes and our own words: its messages
 * are never passed on, since they can name a community or carry whatever bytes the sender chose.
 */
export function rejectionOf(error: Error): { reason: TrapRejection; detail?: string } {
  const { code } = errorFields(error);
  if (error.name === 'ProcessingError') {
    const inner = errorFields(error).error;
    return { reason: 'malformed', detail: `undecodable datagram (${inner?.name ?? 'Error'})` };
  }
  if (error instanceof snmp.ResponseInvalidError) {
    if (code === INVALID.EAuthFailure || code === INVALID.ECouldNotDecrypt) return { reason: 'auth_failed' };
    return { reason: 'malformed', detail: `invalid message (net-snmp code ${Number(code) || 0})` };
  }
  if (error instanceof snmp.RequestFailedError) {
    // Net-snmp's message names the community it refused: a near-miss of a real one must not reach a log.
    if (/community/i.test(error.message)) return { reason: 'unknown_community' };
    if (/user not found/i.test(error.message)) return { reason: 'unknown_user' };
    return { reason: 'auth_failed', detail: 'security level below the user’s' };
  }
  if (error.name === 'RequestInvalidError')
    return { reason: 'unsupported_pdu', detail: 'not a notification PDU' };
  const systemCode = typeof code === 'string' && /^E[A-Z0-9_]{1,20}$/.test(code) ? ` (${code})` : '';
  return { reason: 'socket_error', detail: `socket error${systemCode}` };
}
