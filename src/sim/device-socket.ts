import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { getSystemErrorName } from 'node:util';

/** A device's UDP socket, as the shard and net-snmp's responder use it (net-snmp answers by `send`). */
export interface DeviceSocket {
  /** The device this socket answers for (its index in the fleet). */
  readonly index: number;
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    port: number,
    address: string,
    callback?: (error: Error | null) => void,
  ): void;
  close(): void;
}

export interface DeviceSocketListeners {
  onMessage(socket: DeviceSocket, datagram: Buffer, rinfo: RemoteInfo): void;
  onError(socket: DeviceSocket, error: Error): void;
}

/** libuv's UDP handle as Node's `udp_wrap` binding exposes it (lib/dgram.js is its only other user). */
interface UdpHandle {
  bind(address: string, port: number, flags: number): number;
  recvStart(): number;
  send(req: object, list: Buffer[], count: number, port: number, address: string, callback: boolean): number;
  close(): void;
  onmessage(nread: number, handle: UdpHandle, buffer?: Buffer, rinfo?: RemoteInfo): void;
  onerror(nread: number, handle: UdpHandle, error: Error): void;
  [OWNER]?: BareDeviceSocket;
}
interface UdpBinding {
  UDP: new () => UdpHandle;
  SendWrap: new () => { oncomplete?: (status: number) => void };
}

const OWNER = Symbol('owner');

/**
 * One socket per device is the price of a device having its own address, and at 100k devices
 * dgram.Socket's own weight (an EventEmitter, a state object, a handle, ~2 KB resident each,
 * measured with 19,000 sockets) is most of the simulator's memory. The bare handle under it costs
 * ~0.6 KB. It is an internal binding: where it is missing, the dgram socket serves instead.
 */
function udpBinding(): UdpBinding | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding('udp_wrap');
    const candidate = binding as Partial<UdpBinding> | undefined;
    return typeof candidate?.UDP === 'function' && typeof candidate.SendWrap === 'function'
      ? (candidate as UdpBinding)
      : undefined;
  } catch {
    return undefined;
  }
}
const binding = udpBinding();

const errnoError = (status: number, what: string, address: string, port: number): Error =>
  Object.assign(new Error(`${what} ${getSystemErrorName(status)} ${address}:${port}`), {
    code: getSystemErrorName(status),
  });

class BareDeviceSocket implements DeviceSocket {
  constructor(
    readonly index: number,
    private readonly handle: UdpHandle,
    readonly listeners: DeviceSocketListeners,
  ) {}

  send(
    buffer: Buffer,
    offset: number,
    length: number,
    port: number,
    address: string,
    callback?: (error: Error | null) => void,
  ): void {
    const req = new (binding as UdpBinding).SendWrap();
    const whole = offset === 0 && length === buffer.length;
    const list = [whole ? buffer : buffer.subarray(offset, offset + length)];
    if (callback)
      req.oncomplete = (status) => callback(status < 0 ? errnoError(status, 'send', address, port) : null);
    // Above 0: sent at once (length + 1); 0: queued, `oncomplete` follows; below 0: an errno.
    const status = this.handle.send(req, list, 1, port, address, callback !== undefined);
    if (status < 0 && callback) process.nextTick(callback, errnoError(status, 'send', address, port));
    else if (status > 0 && callback) process.nextTick(callback, null);
  }

  close(): void {
    this.handle.close();
  }
}

/** Shared by every bare handle (`this` is the handle, which knows its socket), as lib/dgram.js does. */
function onBareMessage(
  this: UdpHandle,
  nread: number,
  _h: UdpHandle,
  buffer?: Buffer,
  rinfo?: RemoteInfo,
): void {
  const socket = this[OWNER];
  if (!socket) return;
  if (nread < 0 || !buffer || !rinfo) socket.listeners.onError(socket, errnoError(nread, 'recvmsg', '', 0));
  else socket.listeners.onMessage(socket, buffer, rinfo);
}

function onBareError(this: UdpHandle, _nread: number, _h: UdpHandle, error: Error): void {
  const socket = this[OWNER];
  socket?.listeners.onError(socket, error);
}

function bindBare(
  udp: UdpBinding,
  index: number,
  host: string,
  port: number,
  listeners: DeviceSocketListeners,
): DeviceSocket {
  const handle = new udp.UDP();
  const status = handle.bind(host, port, 0);
  const listening = status < 0 ? status : handle.recvStart();
  if (listening < 0) {
    handle.close();
    throw errnoError(listening, 'bind', host, port);
  }
  const socket = new BareDeviceSocket(index, handle, listeners);
  handle[OWNER] = socket;
  handle.onmessage = onBareMessage;
  handle.onerror = onBareError;
  return socket;
}

/** The same socket on dgram, where the binding is missing. */
function bindDgram(
  index: number,
  host: string,
  port: number,
  listeners: DeviceSocketListeners,
): Promise<DeviceSocket> {
  return new Promise((resolve, reject) => {
    const dgram: Socket = createSocket('udp4');
    const socket: DeviceSocket = {
      index,
      send: (buffer, offset, length, toPort, address, callback) =>
        dgram.send(buffer, offset, length, toPort, address, callback),
      close: () => dgram.close(),
    };
    dgram.once('error', reject);
    dgram.on('message', (datagram, rinfo) => listeners.onMessage(socket, datagram, rinfo));
    dgram.bind(port, host, () => {
      dgram.off('error', reject);
      dgram.on('error', (error) => listeners.onError(socket, error));
      resolve(socket);
    });
  });
}

/** Binds the socket of device `index` at its address; rejects when the address cannot be bound. */
export function bindDeviceSocket(
  index: number,
  host: string,
  port: number,
  listeners: DeviceSocketListeners,
): Promise<DeviceSocket> {
  if (!binding) return bindDgram(index, host, port, listeners);
  try {
    return Promise.resolve(bindBare(binding, index, host, port, listeners));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
