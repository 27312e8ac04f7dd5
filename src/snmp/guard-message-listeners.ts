import type { RemoteInfo, Socket } from 'node:dgram';

type MessageListener = (datagram: Buffer, rinfo: RemoteInfo) => void;

/**
 * net-snmp decodes (and for an InformRequest re-encodes and answers) inside its sockets' message
 * handlers, and some of that is outside its own try: a value its encoder refuses, a broken USM header,
 * a callback of ours. A throw there would reach the process. This wraps the socket's current message
 * listeners: a datagram `accept` refuses is dropped before net-snmp sees it, and whatever throws is
 * handed to `onThrow` with the datagram's source instead.
 */
export function guardMessageListeners(
  socket: Socket,
  onThrow: (error: unknown, rinfo: RemoteInfo) => void,
  accept: (rinfo: RemoteInfo) => boolean = () => true,
): void {
  const listeners = socket.listeners('message') as MessageListener[];
  socket.removeAllListeners('message');
  socket.on('message', (datagram: Buffer, rinfo: RemoteInfo) => {
    if (!accept(rinfo)) return;
    for (const listener of listeners) {
      try {
        listener(datagram, rinfo);
      } catch (error) {
        onThrow(error, rinfo);
      }
    }
  });
}
