import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { decodeGetResponse, type DecodedResponse } from './decode-get-response.js';
import {
  MAX_REQUEST_ID,
  MIN_REQUEST_ID,
  requestFromTemplate,
  type GetRequestTemplate,
} from './get-request-template.js';
import type { SnmpException, SnmpValue } from './snmp-value.js';

export interface GetTarget {
  host: string;
  port: number;
}

export interface GetOptions {
  timeoutMs: number;
  retries: number;
}

export interface GetOutcome {
  outcome: 'ok' | 'timeout' | 'error_status' | 'transport_error' | 'malformed';
  /** In the order of the template's OIDs (RFC 3416: a GetResponse keeps the request's order). */
  values: (SnmpValue | SnmpException)[];
  errorStatus?: number;
  errorIndex?: number;
  reason?: string;
  retries: number;
  pdus: number;
  durationMs: number;
}

/** The same words net-snmp's ECommunityNoMatch gets in classify-snmp-error.ts. */
const OTHER_COMMUNITY = 'the answer carries another community than the request';

interface Pending {
  target: GetTarget;
  template: GetRequestTemplate;
  packet: Buffer;
  options: GetOptions;
  retriesLeft: number;
  pdus: number;
  started: number;
  timer: NodeJS.Timeout;
  /** The target answered this request id with another community (ignored, but not forgotten). */
  otherCommunity: boolean;
  resolve(outcome: GetOutcome): void;
}

export interface UdpGetTransportStats {
  sent: number;
  received: number;
  /** Datagrams that were not a GetResponse we were waiting for: undecodable, late, spoofed. */
  ignored: number;
  /** Answers from the target that were broken (a request finished as `malformed`). */
  malformed: number;
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

/**
 * SNMPv1/v2c GETs for the whole fleet over one UDP socket: a template per OID list, a request-id per
 * request, responses matched by request-id and checked against the target's address and the asked
 * OIDs. One socket for 100k devices, where net-snmp opens one per session.
 */
export class UdpGetTransport {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private nextId = MIN_REQUEST_ID + Math.floor(Math.random() * (MAX_REQUEST_ID - MIN_REQUEST_ID));
  private readonly ready: Promise<void>;
  private bound = false;
  readonly stats: UdpGetTransportStats = { sent: 0, received: 0, ignored: 0, malformed: 0 };

  constructor() {
    this.socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    this.socket.on('message', (datagram, rinfo) => this.receive(datagram, rinfo));
    // A socket error (e.g. ICMP port unreachable surfaced by the OS) must not end the process.
    this.socket.on('error', () => undefined);
    this.ready = new Promise((resolve) =>
      this.socket.bind(0, () => {
        this.bound = true;
        resolve();
      }),
    );
  }

  /** Not an async function: once the socket is bound, a GET costs one promise, not three. */
  get(target: GetTarget, template: GetRequestTemplate, options: GetOptions): Promise<GetOutcome> {
    if (!this.bound) return this.ready.then(() => this.get(target, template, options));
    const requestId = this.allocateId();
    return new Promise((resolve) => {
      const pending: Pending = {
        target,
        template,
        packet: requestFromTemplate(template, requestId),
        options,
        retriesLeft: options.retries,
        pdus: 0,
        started: performance.now(),
        timer: undefined as unknown as NodeJS.Timeout,
        otherCommunity: false,
        resolve,
      };
      this.pending.set(requestId, pending);
      this.send(requestId, pending);
    });
  }

  private allocateId(): number {
    do {
      this.nextId = this.nextId >= MAX_REQUEST_ID ? MIN_REQUEST_ID : this.nextId + 1;
    } while (this.pending.has(this.nextId));
    return this.nextId;
  }

  private send(requestId: number, pending: Pending): void {
    pending.pdus += 1;
    this.stats.sent += 1;
    pending.timer = setTimeout(() => this.expire(requestId), pending.options.timeoutMs);
    this.socket.send(pending.packet, pending.target.port, pending.target.host, (error) => {
      if (error) {
        const code = (error as { code?: unknown }).code;
        const reason = typeof code === 'string' ? `network error (${code.slice(0, 24)})` : 'send failed';
        this.finish(requestId, { outcome: 'transport_error', values: [], reason });
      }
    });
  }

  private expire(requestId: number): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    if (pending.retriesLeft > 0) {
      pending.retriesLeft -= 1;
      this.send(requestId, pending);
    } else if (pending.otherCommunity) {
      this.stats.malformed += 1;
      this.finish(requestId, { outcome: 'malformed', values: [], reason: OTHER_COMMUNITY });
    } else {
      this.finish(requestId, { outcome: 'timeout', values: [], reason: 'request timed out' });
    }
  }

  private finish(
    requestId: number,
    result: Pick<GetOutcome, 'outcome' | 'values' | 'reason' | 'errorStatus' | 'errorIndex'>,
  ): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    // Every field named, none spread: `{ ...result, retries }` adds properties to a clone, which V8
    // (Node 20) does on its slow path, ~3 µs an answer.
    pending.resolve({
      outcome: result.outcome,
      values: result.values,
      errorStatus: result.errorStatus,
      errorIndex: result.errorIndex,
      reason: result.reason,
      retries: pending.pdus - 1,
      pdus: pending.pdus,
      durationMs: performance.now() - pending.started,
    });
  }

  private receive(datagram: Buffer, rinfo: RemoteInfo): void {
    this.stats.received += 1;
    const response = decodeGetResponse(datagram);
    const pending = response.requestId !== undefined ? this.pending.get(response.requestId) : undefined;
    // Only the target we asked may answer, with the community we sent (RFC 1901: an agent echoes it):
    // a datagram from elsewhere, or one that guessed the id but not the community, is ignored, so a
    // forger cannot end a request early. An answer with another community is remembered: if nothing
    // better arrives, the request ends as malformed rather than as a silent device's timeout.
    if (
      response.requestId === undefined ||
      !pending ||
      rinfo.address !== pending.target.host ||
      rinfo.port !== pending.target.port
    ) {
      this.stats.ignored += 1;
      return;
    }
    if (response.community !== undefined && !response.community.equals(pending.template.community)) {
      this.stats.ignored += 1;
      pending.otherCommunity = true;
      return;
    }
    if ('malformed' in response) {
      this.stats.malformed += 1;
      this.finish(response.requestId, {
        outcome: 'malformed',
        values: [],
        reason: `malformed answer (${response.malformed})`,
      });
      return;
    }
    if (response.errorStatus !== 0) {
      this.finish(response.requestId, {
        outcome: 'error_status',
        values: [],
        errorStatus: response.errorStatus,
        errorIndex: response.errorIndex,
        reason: `error-status ${response.errorStatus} at varbind ${response.errorIndex}`,
      });
      return;
    }
    if (!answersAsked(response, pending.template.encodedOids)) {
      this.finish(response.requestId, {
        outcome: 'malformed',
        values: [],
        reason: 'the answer does not match the OIDs asked',
      });
      return;
    }
    this.finish(response.requestId, { outcome: 'ok', values: response.values });
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.pending.size;
  }

  close(): Promise<void> {
    for (const requestId of [...this.pending.keys()]) {
      this.finish(requestId, { outcome: 'transport_error', values: [], reason: 'transport closed' });
    }
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
