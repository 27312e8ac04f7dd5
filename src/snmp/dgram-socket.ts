import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';

/**
 * Node's dgram socket for the GETs the batch socket does not carry: targets that resolve elsewhere
 * than IPv4 literals, and installations without the native socket. Bound once before its first send.
 */
export interface DgramSocket {
  socket: Socket;
  ready: Promise<void>;
  bound: boolean;
}

export function openDgramSocket(
  receiveBufferBytes: number,
  receive: (datagram: Buffer, host: string, port: number) => void,
): DgramSocket {
  const socket = createSocket({ type: 'udp4', recvBufferSize: receiveBufferBytes });
  socket.on('message', (datagram, rinfo) => receive(datagram, rinfo.address, rinfo.port));
  // A socket error (e.g. ICMP port unreachable surfaced by the OS) must not end the process.
  socket.on('error', () => undefined);
  const opened: DgramSocket = { socket, ready: Promise.resolve(), bound: false };
  opened.ready = new Promise((resolve) =>
    socket.bind(0, () => {
      opened.bound = true;
      resolve();
    }),
  );
  return opened;
}

/**
 * A host name's IPv4 address, resolved here rather than by dgram: the answer comes from an address,
 * and only the address asked may answer, so a request sent to a name would wait out its timeout.
 */
export async function resolveIpv4(host: string): Promise<string | { reason: string }> {
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      reason: `cannot resolve ${host.slice(0, 64)} (${typeof code === 'string' ? code.slice(0, 24) : 'lookup failed'})`,
    };
  }
}
