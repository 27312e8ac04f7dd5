import { createRequire } from 'node:module';

/** The native socket (src/snmp/native/batch_udp.c, built by `npm ci` through node-gyp on Linux). */
interface BatchUdpBinding {
  open(receiveBufferBytes: number, onBatch: (data: Buffer, meta: Uint32Array, count: number) => void): object;
  send(handle: object, data: Buffer, meta: Uint32Array, count: number, results: Int32Array): number;
  port(handle: object): number;
  close(handle: object): void;
}

function loadBinding(): BatchUdpBinding | undefined {
  try {
    return createRequire(import.meta.url)('../../build/Release/batch_udp.node') as BatchUdpBinding;
  } catch {
    return undefined;
  }
}
let binding: BatchUdpBinding | undefined | null = null;

/** The native binding, when this installation built it (Linux); undefined elsewhere. */
export function batchUdpBinding(): BatchUdpBinding | undefined {
  if (binding === null) binding = loadBinding();
  return binding;
}

/** A received batch up to this size is handed out as views; a larger one as copies. */
const PINNED_BATCH_BYTES = 64 * 1024;
/** A full send buffer is tried again after this long, not at once (which would spin until it drains). */
const FULL_BUFFER_RETRY_MS = 1;

/** A send result: the socket's buffer was full, the datagram waits for the next turn. */
const NOT_SENT = 1;
/** errno's EIO: the native send itself failed. */
const EIO = 5;

/** A datagram received: its bytes (a view into the batch's copy), its sender's IPv4 address as a number, port. */
export type BatchReceiver = (datagram: Buffer, address: number, port: number) => void;

/** What became of a datagram a flush handled, by the key it was queued with. */
export interface BatchSendEvents {
  /** It left now (a request's timeout counts from here, not from when it was queued). */
  sent(key: number): void;
  /** The kernel refused it (errno): it is gone. */
  failed(key: number, errno: number): void;
}

/**
 * A UDP socket whose sends wait for the end of the event loop's turn and go out together, up to 64 a
 * system call (sendmmsg), and whose receipts come in batches (recvmmsg) to one callback. A poll shard's
 * tick starts hundreds of GETs in one turn: one call each through dgram cost ~6 µs more a request in
 * CPU than a batch does, on sends and receipts together (measured against snmpd).
 */
export class BatchSocket {
  private readonly handle: object;
  private stage = Buffer.allocUnsafe(64 * 1024);
  private meta = new Uint32Array(4 * 512);
  private results = new Int32Array(512);
  private keys: number[] = [];
  private used = 0;
  private count = 0;
  private flushing: NodeJS.Immediate | undefined;
  private retrying: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly native: BatchUdpBinding,
    receiveBufferBytes: number,
    receive: BatchReceiver,
    private readonly events: BatchSendEvents,
  ) {
    this.handle = native.open(receiveBufferBytes, (data, meta, count) => {
      // A value decoded from a view pins what it views: a large batch (anyone may send 64 datagrams of
      // 64 KB) is copied apart, so a kept value holds its own datagram, not megabytes.
      const apart = data.length > PINNED_BATCH_BYTES;
      for (let i = 0; i < count; i++) {
        const at = meta[4 * i + 2] as number;
        const view = data.subarray(at, at + (meta[4 * i + 3] as number));
        receive(apart ? Buffer.from(view) : view, meta[4 * i] as number, meta[4 * i + 1] as number);
      }
    });
  }

  /**
   * Space for a datagram of `length` bytes to `address`:`port`, sent at the end of this turn; the caller
   * writes its bytes at the returned offset of `buffer` before the turn ends.
   */
  reserve(length: number, address: number, port: number, key: number): { buffer: Buffer; at: number } {
    if (this.closed) throw new Error('batch socket is closed');
    if (this.used + length > this.stage.length) this.grow(this.used + length);
    if (this.count === this.results.length) this.growMeta();
    const at = this.used;
    const m = 4 * this.count;
    this.meta[m] = address;
    this.meta[m + 1] = port;
    this.meta[m + 2] = at;
    this.meta[m + 3] = length;
    this.keys[this.count] = key;
    this.count += 1;
    this.used += length;
    // While a full buffer's datagrams wait for their retry, the new ones wait with them, in order.
    if (!this.retrying) this.flushing ??= setImmediate(() => this.flush());
    return { buffer: this.stage, at };
  }

  private flush(): void {
    this.flushing = undefined;
    if (this.closed || this.count === 0) return;
    const count = this.count;
    let sent: number;
    try {
      sent = this.native.send(this.handle, this.stage, this.meta, count, this.results);
    } catch {
      // Not reachable by construction (the offsets are ours); a throw here must not end the process.
      this.results.fill(-EIO, 0, count);
      sent = 0;
    }
    if (sent === count) {
      this.count = 0;
      this.used = 0;
      for (let i = 0; i < count; i++) this.events.sent(this.keys[i] as number);
      return;
    }
    let deferredFrom = count;
    for (let i = 0; i < count; i++) {
      const result = this.results[i] as number;
      if (result === NOT_SENT) {
        deferredFrom = i;
        break;
      }
      if (result < 0) this.events.failed(this.keys[i] as number, -result);
      else this.events.sent(this.keys[i] as number);
    }
    this.keepFrom(deferredFrom, count);
  }

  /** Datagrams `from`..`count` wait for the next turn, moved to the front in their order. */
  private keepFrom(from: number, count: number): void {
    const start = from < count ? (this.meta[4 * from + 2] as number) : this.used;
    this.stage.copyWithin(0, start, this.used);
    for (let i = from; i < count; i++) {
      const to = 4 * (i - from);
      this.meta.copyWithin(to, 4 * i, 4 * i + 4);
      this.meta[to + 2] = (this.meta[to + 2] as number) - start;
      this.keys[i - from] = this.keys[i] as number;
    }
    this.count = count - from;
    this.used -= start;
    if (this.count > 0) this.retrying = setTimeout(() => this.flushAfterFull(), FULL_BUFFER_RETRY_MS);
  }

  private flushAfterFull(): void {
    this.retrying = undefined;
    if (!this.flushing) this.flush();
  }

  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(needed, 2 * this.stage.length));
    this.stage.copy(bigger, 0, 0, this.used);
    this.stage = bigger;
  }

  private growMeta(): void {
    const meta = new Uint32Array(2 * this.meta.length);
    meta.set(this.meta);
    this.meta = meta;
    this.results = new Int32Array(2 * this.results.length);
  }

  /** The local port answers come back to; undefined once closed. */
  get port(): number | undefined {
    return this.closed ? undefined : this.native.port(this.handle);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.flushing) clearImmediate(this.flushing);
    if (this.retrying) clearTimeout(this.retrying);
    this.native.close(this.handle);
  }
}

/** An IPv4 address in dotted decimal as a number (host order); -1 for anything else (a name, IPv6). */
export function ipv4Number(host: string): number {
  let value = 0;
  let octet = -1;
  let dots = 0;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c === 46) {
      if (octet < 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = -1;
      dots += 1;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros: "010" is octal to some resolvers and decimal to others.
      if (octet === 0) return -1;
      octet = (octet < 0 ? 0 : octet * 10) + (c - 48);
      if (octet > 255) return -1;
    } else return -1;
  }
  if (octet < 0 || dots !== 3) return -1;
  return value * 256 + octet;
}
