import snmp from 'net-snmp';
import {
  ERROR_STATUS_NAME,
  errorFields,
  RequestTimedOutError,
  RESPONSE_INVALID_CODE,
} from './net-snmp-shims.js';

/** What happened to a request: a device that misbehaves is an outcome, never an exception. */
export type SnmpOutcome = 'ok' | 'timeout' | 'auth_failed' | 'error_status' | 'transport_error' | 'malformed';

/** An auth profile without the credential a request needs (named, never shown). */
export class MissingCredential extends Error {}

/** A walk that did not finish within its deadline. */
export class WalkTimedOut extends Error {}

const INVALID = RESPONSE_INVALID_CODE;
/** RFC 3416 section 3: authorizationError(16), the agent's access control refusing this principal. */
const AUTHORIZATION_ERROR = 16;

/** ResponseInvalidError codes of net-snmp → our outcome and words. */
const INVALID_ANSWERS = new Map<number | undefined, { outcome: SnmpOutcome; reason: string }>([
  [
    INVALID.EAuthFailure,
    { outcome: 'auth_failed', reason: 'authentication failed (USM report or wrong digest)' },
  ],
  [
    INVALID.ECouldNotDecrypt,
    { outcome: 'auth_failed', reason: 'the answer could not be decrypted (privacy key)' },
  ],
  [INVALID.ENotInTimeWindow, { outcome: 'auth_failed', reason: 'the answer is outside the USM time window' }],
  [
    INVALID.ECommunityNoMatch,
    { outcome: 'malformed', reason: 'the answer carries another community than the request' },
  ],
  [
    INVALID.EVersionNoMatch,
    { outcome: 'malformed', reason: 'the answer carries another SNMP version than the request' },
  ],
  [INVALID.EReqResOidNoMatch, { outcome: 'malformed', reason: 'the answer does not match the OIDs asked' }],
  [INVALID.EOutOfOrder, { outcome: 'malformed', reason: 'the walk went backwards (OIDs not increasing)' }],
  [
    INVALID.EUnknownObjectType,
    { outcome: 'malformed', reason: 'the answer holds a value of an unknown type' },
  ],
  [
    INVALID.EIp4AddressSize,
    { outcome: 'malformed', reason: 'the answer holds an IpAddress that is not 4 octets' },
  ],
  [INVALID.EBadVarbindList, { outcome: 'malformed', reason: 'the answer holds a broken varbind list' }],
  [INVALID.EUnknownPduType, { outcome: 'malformed', reason: 'the answer is not a Response PDU' }],
  [INVALID.EUnexpectedReport, { outcome: 'malformed', reason: 'unexpected Report PDU' }],
]);

const SYSTEM_ERROR_CODE = /^E[A-Z0-9_]{1,20}$/;

/**
 * Classifies a net-snmp failure in our own words. Library messages are never passed on: net-snmp's
 * "Community 'X' in request does not match …" names the community, and any text could hold bytes a
 * device chose. Authentication problems arrive as USM reports (RFC 3414 section 3.2), which net-snmp
 * turns into ResponseInvalidError EAuthFailure, or as a local digest/decryption failure; an agent whose
 * VACM (RFC 3415) refuses a valid user answers authorizationError. All of them mean the device answers
 * but not to us: the cure is credentials, so they are auth_failed, not a transport problem.
 */
export function classifyError(error: unknown): { outcome: SnmpOutcome; reason: string } {
  if (error instanceof RequestTimedOutError) return { outcome: 'timeout', reason: 'request timed out' };
  const { code } = errorFields(error);
  if (error instanceof snmp.ResponseInvalidError) {
    return (
      INVALID_ANSWERS.get(code as number) ?? {
        outcome: 'malformed',
        reason: `invalid answer (net-snmp code ${Number(code) || 0})`,
      }
    );
  }
  if (error instanceof snmp.RequestFailedError) {
    const { status } = errorFields(error);
    if (status === AUTHORIZATION_ERROR)
      return {
        outcome: 'auth_failed',
        reason: 'authorizationError: the agent refuses this user or security level',
      };
    const name = typeof status === 'number' ? ERROR_STATUS_NAME[status] : undefined;
    return { outcome: 'error_status', reason: `error-status ${name ?? 'genErr'}` };
  }
  if (error instanceof MissingCredential) return { outcome: 'transport_error', reason: error.message };
  if (error instanceof WalkTimedOut) return { outcome: 'timeout', reason: error.message };
  const message = error instanceof Error ? error.message : '';
  // Node's OpenSSL 3 ships DES only in its legacy provider (RFC 3414's CBC-DES privacy protocol).
  if (/digital envelope routines::unsupported/.test(message))
    return {
      outcome: 'transport_error',
      reason: 'this Node.js has no DES; use AES, or run with NODE_OPTIONS=--openssl-legacy-provider',
    };
  if (typeof code === 'string' && SYSTEM_ERROR_CODE.test(code))
    return { outcome: 'transport_error', reason: `network error (${code})` };
  if (message === 'Socket forcibly closed') return { outcome: 'transport_error', reason: 'socket closed' };
  return { outcome: 'transport_error', reason: 'unexpected SNMP library error' };
}
