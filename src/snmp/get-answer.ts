import { ipv4Number } from './batch-socket.js';
import type { DecodedResponse, MalformedResponse } from './decode-get-response.js';
import type { SnmpException, SnmpValue } from './snmp-value.js';

/** How a GET ended (the transport adds the counts and the time: GetOutcome). */
export interface GetEnding {
  outcome: 'ok' | 'timeout' | 'error_status' | 'transport_error' | 'malformed';
  /** In the order of the template's OIDs (RFC 3416: a GetResponse keeps the request's order). */
  values: (SnmpValue | SnmpException)[];
  errorStatus?: number;
  errorIndex?: number;
  reason?: string;
}

/** What a GET is sent to (the transport's GetTarget). */
interface Target {
  host: string;
  port: number;
}

/** Digits and dots, or hexadecimal: what a resolver would read as an address in a form not ours. */
const NUMERIC_LOOKING = /^(?:[0-9.]+|0x[0-9a-f.x]*)$/i;

/**
 * Why a GET to this target is not sent, if it is not: a port out of range, or an address in a form a
 * resolver reads otherwise ("010.0.0.1" is 8.0.0.1 to it, "2130706433" 127.0.0.1), whose answers would
 * be another machine's taken for the device's. Only a canonical dotted quad is an address here.
 */
export function refusedTarget(target: Target): string | undefined {
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535)
    return `port ${String(target.port).slice(0, 16)} is out of range`;
  if (NUMERIC_LOOKING.test(target.host) && ipv4Number(target.host) < 0)
    return `${target.host.slice(0, 64)} is not a dotted-quad IPv4 address`;
  return undefined;
}

/** A GET that was never sent. */
export function notAsked(reason: string): GetEnding & { retries: 0; pdus: 0; durationMs: 0 } {
  return { outcome: 'transport_error', values: [], reason, retries: 0, pdus: 0, durationMs: 0 };
}

/**
 * What an answer from the asked target, with the community sent, means for its GET: a broken datagram
 * or one that answers other OIDs is `malformed` (the device sent garbage, which the NOC must see
 * rather than a timeout), an error-status is `error_status`, anything else `ok`.
 */
export function answerMeaning(
  response: DecodedResponse | MalformedResponse,
  asked: readonly Buffer[],
): GetEnding {
  if ('malformed' in response)
    return { outcome: 'malformed', values: [], reason: `malformed answer (${response.malformed})` };
  if (response.errorStatus !== 0)
    return {
      outcome: 'error_status',
      values: [],
      errorStatus: response.errorStatus,
      errorIndex: response.errorIndex,
      reason: `error-status ${response.errorStatus} at varbind ${response.errorIndex}`,
    };
  if (!answersAsked(response, asked))
    return { outcome: 'malformed', values: [], reason: 'the answer does not match the OIDs asked' };
  return { outcome: 'ok', values: response.values };
}

/** Whether the answer's OIDs are the ones asked, in order, compared in the datagram (no copies). */
function answersAsked(response: DecodedResponse, asked: readonly Buffer[]): boolean {
  const { oidSpans, datagram } = response;
  if (oidSpans.length !== 2 * asked.length) return false;
  for (let i = 0; i < asked.length; i++) {
    const oidStart = oidSpans[2 * i] as number;
    const oidLength = oidSpans[2 * i + 1] as number;
    const oid = asked[i] as Buffer;
    if (oidLength !== oid.length) return false;
    for (let b = 0; b < oidLength; b++) if (datagram[oidStart + b] !== oid[b]) return false;
  }
  return true;
}
