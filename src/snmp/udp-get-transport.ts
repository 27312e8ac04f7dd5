import { isIP } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { openDgramSocket, resolveIpv4, type DgramSocket } from './dgram-socket.js';
import { BatchSocket, batchUdpBinding, ipv4Number } from './batch-socket.js';
import { decodeGetResponse } from './decode-get-response.js';
import { answerMeaning, notAsked, refusedTarget, type GetEnding } from './get-answer.js';
export type { GetEnding } from './get-answer.js';
import {
  MAX_REQUEST_ID,
  MIN_REQUEST_ID,
  requestFromTemplate,
  writeRequest,
  type GetRequestTemplate,
} from './get-request-template.js';

export interface GetTarget {
  host: string;
  port: number;
}

export interface GetOptions {
  timeoutMs: number;
  retries: number;
}

export interface GetOutcome extends GetEnding {
  retries: number;
  pdus: number;
  durationMs: number;
}

/** The same words net-snmp's ECommunityNoMatch gets in classify-snmp-error.ts. */
const OTHER_COMMUNITY = 'the answer carries another community than the request';

interface Pending {
  target: GetTarget;
  /** The target's IPv4 address as a number when it goes through the batch socket; -1: through dgram. */
  address: number;
  template: GetRequestTemplate;
  /** The request's bytes, for the dgram socket (the batch socket writes them into its batch). */
  packet: Buffer | undefined;
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

/** Both sockets' receive buffer: a shard tick's answers arrive together. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpGetTransportOptions {
  /**
   * Send and receive IPv4 GETs in batches through the native socket (batch-socket.ts) when this
   * installation built it; default true. Host names and IPv6 go through dgram either way.
   */
  batched?: boolean;
}

/**
 * SNMPv1/v2c GETs for the whole fleet over one UDP socket: a template per OID list, a request-id per
 * request, responses matched by request-id and checked against the target's address and the asked
 * OIDs. One socket for 100k devices, where net-snmp opens one per session. IPv4 targets go through the
 * batch socket (sendmmsg/recvmmsg, batch-socket.ts) on Linux; host names, IPv6, and installations
 * without the native socket through a dgram socket.
 */
export class UdpGetTransport {
  private readonly batch: BatchSocket | undefined;
  private dgram: DgramSocket | undefined;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private nextId = MIN_REQUEST_ID + Math.floor(Math.random() * (MAX_REQUEST_ID - MIN_REQUEST_ID));
  readonly stats: UdpGetTransportStats = { sent: 0, received: 0, ignored: 0, malformed: 0 };

  constructor(options: UdpGetTransportOptions = {}) {
    const native = options.batched === false ? undefined : batchUdpBinding();
    this.batch = native
      ? new BatchSocket(
          native,
          RECEIVE_BUFFER_BYTES,
          (datagram, address, port) => this.receive(datagram, undefined, address, port),
          {
            sent: (requestId) => this.armTimer(requestId),
            failed: (requestId, errno) => this.sendFailed(requestId, networkErrorCode(-errno)),
          },
        )
      : undefined;
    if (!this.batch)
      this.dgram = openDgramSocket(RECEIVE_BUFFER_BYTES, (datagram, host, port) =>
        this.receive(datagram, host, -1, port),
      );
  }

  /** Whether IPv4 GETs go out in batches (the native socket is built and in use). */
  get batched(): boolean {
    return this.batch !== undefined;
  }

  /** The local ports answers come back to: the batch socket's, and dgram's once it is open and bound. */
  localPorts(): number[] {
    if (this.closed) return [];
    const port = this.batch?.port;
    const ports = port !== undefined ? [port] : [];
    if (this.dgram?.bound) ports.push(this.dgram.socket.address().port);
    return ports;
  }

  /** Not an async function: once the socket is ready, a GET costs one promise, not three. */
  get(target: GetTarget, template: GetRequestTemplate, options: GetOptions): Promise<GetOutcome> {
    if (this.closed) return Promise.resolve(notAsked('transport closed'));
    const refused = refusedTarget(target);
    if (refused !== undefined) return Promise.resolve(notAsked(refused));
    const numeric = ipv4Number(target.host);
    // A name is resolved first (dgram-socket.ts), so that its answer is matched by address.
    if (numeric < 0 && isIP(target.host) === 0) return this.getByName(target, template, options);
    const address = this.batch ? numeric : -1;
    if (address < 0) {
      this.dgram ??= openDgramSocket(RECEIVE_BUFFER_BYTES, (datagram, host, port) =>
        this.receive(datagram, host, -1, port),
      );
      if (!this.dgram.bound) return this.dgram.ready.then(() => this.get(target, template, options));
    }
    const requestId = this.allocateId();
    return new Promise((resolve) => {
      const pending: Pending = {
        target,
        address,
        template,
        packet: undefined,
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

  private async getByName(
    target: GetTarget,
    template: GetRequestTemplate,
    options: GetOptions,
  ): Promise<GetOutcome> {
    const started = performance.now();
    const resolved = await resolveIpv4(target.host);
    if (typeof resolved !== 'string')
      return {
        outcome: 'transport_error',
        values: [],
        reason: resolved.reason,
        retries: 0,
        pdus: 0,
        durationMs: performance.now() - started,
      };
    return this.get({ host: resolved, port: target.port }, template, options);
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
    const { template, target } = pending;
    // Through the batch socket, the timeout counts from when the datagram leaves (armTimer).
    if (this.batch && pending.address >= 0) {
      const { buffer, at } = this.batch.reserve(
        template.bytes.length,
        pending.address,
        target.port,
        requestId,
      );
      writeRequest(template, requestId, buffer, at);
      return;
    }
    pending.timer = setTimeout(() => this.expire(requestId), pending.options.timeoutMs);
    pending.packet ??= requestFromTemplate(template, requestId);
    this.dgram?.socket.send(pending.packet, target.port, target.host, (error) => {
      if (!error) return;
      const code = (error as { code?: unknown }).code;
      this.sendFailed(requestId, typeof code === 'string' ? code : undefined);
    });
  }

  private armTimer(requestId: number): void {
    const pending = this.pending.get(requestId);
    if (pending) pending.timer = setTimeout(() => this.expire(requestId), pending.options.timeoutMs);
  }

  private sendFailed(requestId: number, code: string | undefined): void {
    const reason = code !== undefined ? `network error (${code.slice(0, 24)})` : 'send failed';
    this.finish(requestId, { outcome: 'transport_error', values: [], reason });
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

  private finish(requestId: number, result: GetEnding): void {
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

  /** `host` from the dgram socket, `address` (a number, else -1) from the batch socket. */
  private receive(datagram: Buffer, host: string | undefined, address: number, port: number): void {
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
      (pending.address >= 0 ? address !== pending.address : host !== pending.target.host) ||
      port !== pending.target.port
    ) {
      this.stats.ignored += 1;
      return;
    }
    if (response.community !== undefined && !response.community.equals(pending.template.community)) {
      this.stats.ignored += 1;
      pending.otherCommunity = true;
      return;
    }
    const meaning = answerMeaning(response, pending.template.encodedOids);
    if (meaning.outcome === 'malformed') this.stats.malformed += 1;
    this.finish(response.requestId, meaning);
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.pending.size;
  }

  close(): Promise<void> {
    this.closed = true;
    for (const requestId of [...this.pending.keys()]) {
      this.finish(requestId, { outcome: 'transport_error', values: [], reason: 'transport closed' });
    }
    this.batch?.close();
    const dgram = this.dgram;
    return dgram ? new Promise((resolve) => dgram.socket.close(() => resolve())) : Promise.resolve();
  }
}

/** An errno's name (ENETUNREACH), as dgram's errors carry it. */
function networkErrorCode(errno: number): string | undefined {
  try {
    return getSystemErrorName(errno);
  } catch {
    return undefined;
  }
}
