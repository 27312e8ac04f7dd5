import type { RemoteInfo } from 'node:dgram';
import { createRequire } from 'node:module';
import type { DeviceSocket, DeviceSocketListeners } from './device-socket.js';

/** The native socket (src/sim/native/shared_udp.c, built by `npm ci` through node-gyp). */
interface SharedUdpBinding {
  open(
    port: number,
    receiveBufferBytes: number,
    onMessage: (datagram: Buffer, fromAddr: number, fromPort: number, toAddr: number) => void,
  ): object;
  send(handle: object, datagram: Buffer, toAddr: number, toPort: number, fromAddr: number): number;
  close(handle: object): void;
}

/**
 * Every device's requests share this one queue, capped at net.core.rmem_max. Not deeper: a request
 * that waits behind thousands is answered after the poller gave up on it, and answering it costs what a
 * live one does. With 64 MB (SO_RCVBUFFORCE) at a million devices the simulator fell 10–14 MB behind
 * and the first cycle ran at a third of the pace it kept with 8 MB.
 */
const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

function loadBinding(): SharedUdpBinding | Error {
  try {
    return createRequire(import.meta.url)('../../build/Release/shared_udp.node') as SharedUdpBinding;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
let binding: SharedUdpBinding | Error | undefined;

/** Whether this installation has the shared socket (it is built on Linux by `npm ci`). */
export function sharedSocketBinding(): SharedUdpBinding {
  binding ??= loadBinding();
  if (binding instanceof Error)
    throw new Error(
      `the shared device socket is not built (run \`npm rebuild\` with g++ and Node's headers): ${binding.message}`,
    );
  return binding;
}

export function ipv4ToNumber(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4) return -1;
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!Number.isInteger(octet) || octet < 0 || octet > 255) return -1;
    value = value * 256 + octet;
  }
  return value;
}

export function numberToIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export interface SharedSockets {
  close(): void;
}

/** A device as the shared sockets need it: which one, and the address and port it answers at. */
export interface AddressedDevice {
  index: number;
  host: string;
  port: number;
}

/**
 * Every device's address behind one socket per port: each datagram's destination (IP_PKTINFO) names
 * the device, and its answer leaves from that address. A datagram for an address no device has is
 * ignored, as the network would drop it.
 */
export function bindSharedSockets(
  devices: Iterable<AddressedDevice>,
  listeners: DeviceSocketListeners,
): SharedSockets {
  const native = sharedSocketBinding();
  const byPort = new Map<number, AddressedDevice[]>();
  for (const device of devices) {
    const list = byPort.get(device.port);
    if (list) list.push({ index: device.index, host: device.host, port: device.port });
    else byPort.set(device.port, [{ index: device.index, host: device.host, port: device.port }]);
  }
  const handles: object[] = [];
  try {
    for (const [port, list] of byPort) {
      const directory = AddressDirectory.of(list);
      const handle = native.open(port, RECEIVE_BUFFER_BYTES, (datagram, fromAddr, fromPort, toAddr) => {
        const index = directory.indexAt(toAddr);
        if (index < 0) return;
        const rinfo: RemoteInfo = {
          address: numberToIpv4(fromAddr),
          port: fromPort,
          family: 'IPv4',
          size: datagram.length,
        };
        listeners.onMessage(new SharedDeviceSocket(native, handle, index, toAddr), datagram, rinfo);
      });
      handles.push(handle);
    }
  } catch (error) {
    for (const handle of handles) native.close(handle);
    throw error;
  }
  return { close: () => handles.splice(0).forEach((handle) => native.close(handle)) };
}

/** Device index by address: two sorted columns, a few bytes a device where a Map would take ~80. */
class AddressDirectory {
  private constructor(
    private readonly addresses: Uint32Array,
    private readonly indexes: Int32Array,
  ) {}

  static of(devices: readonly AddressedDevice[]): AddressDirectory {
    const pairs = devices.map((d) => {
      const address = ipv4ToNumber(d.host);
      if (address < 0) throw new Error(`device ${d.index}: ${d.host} is not an IPv4 address`);
      return [address, d.index] as const;
    });
    pairs.sort((a, b) => a[0] - b[0]);
    const addresses = Uint32Array.from(pairs, (p) => p[0]);
    const indexes = Int32Array.from(pairs, (p) => p[1]);
    return new AddressDirectory(addresses, indexes);
  }

  indexAt(address: number): number {
    let low = 0;
    let high = this.addresses.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = this.addresses[middle] as number;
      if (at === address) return this.indexes[middle] as number;
      if (at < address) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}

/** One request's device, answering through the shared socket from the device's own address. */
class SharedDeviceSocket implements DeviceSocket {
  constructor(
    private readonly native: SharedUdpBinding,
    private readonly handle: object,
    readonly index: number,
    private readonly address: number,
  ) {}

  send(
    buffer: Buffer,
    offset: number,
    length: number,
    port: number,
    address: string,
    callback?: (error: Error | null) => void,
  ): void {
    const datagram =
      offset === 0 && length === buffer.length ? buffer : buffer.subarray(offset, offset + length);
    const status = this.native.send(this.handle, datagram, ipv4ToNumber(address), port, this.address);
    if (!callback) return;
    const error = status < 0 ? new Error(`send to ${address}:${port} failed (errno ${-status})`) : null;
    process.nextTick(callback, error);
  }

  /** The socket is shared: a device has nothing of its own to close. */
  close(): void {}
}
