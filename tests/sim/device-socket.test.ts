import { createSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bindDeviceSocket,
  type DeviceSocket,
  type DeviceSocketListeners,
} from '../../src/sim/device-socket.js';

const HOST = '127.151.0.7';

/** A port free on HOST now: a random one may be a client's ephemeral port on the wildcard address. */
async function freePort(): Promise<number> {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, HOST, resolve));
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(resolve));
  return port;
}

describe("a device's socket", () => {
  const opened: DeviceSocket[] = [];
  afterEach(() => {
    for (const socket of opened.splice(0)) socket.close();
  });

  const received: { index: number; text: string; rinfo: RemoteInfo }[] = [];
  const listeners: DeviceSocketListeners = {
    onMessage: (socket, datagram, rinfo) => {
      received.push({ index: socket.index, text: datagram.toString(), rinfo });
      // Answers as the responder does: through the socket net-snmp is handed.
      socket.send(
        Buffer.from(`re:${datagram.toString()}`),
        0,
        3 + datagram.length,
        rinfo.port,
        rinfo.address,
      );
    },
    onError: () => undefined,
  };

  it('receives at its own address, tells which device it is, and answers from that address', async () => {
    const port = await freePort();
    opened.push(await bindDeviceSocket(42, HOST, port, listeners));
    const client = createSocket('udp4');
    try {
      const answer = once(client, 'message') as Promise<[Buffer, RemoteInfo]>;
      client.send('hello', port, HOST);
      const [reply, from] = await answer;
      expect(reply.toString()).toBe('re:hello');
      expect(from).toMatchObject({ address: HOST, port });
      expect(received.at(-1)).toMatchObject({ index: 42, text: 'hello' });
    } finally {
      client.close();
    }
  });

  it('refuses an address already bound, and frees it on close', async () => {
    const port = await freePort();
    const first = await bindDeviceSocket(1, HOST, port, listeners);
    await expect(bindDeviceSocket(2, HOST, port, listeners)).rejects.toThrow(/EADDRINUSE/);
    first.close();
    opened.push(await bindDeviceSocket(3, HOST, port, listeners));
  });

  it('calls back once a send has left, and with an error when it cannot', async () => {
    const port = await freePort();
    const socket = await bindDeviceSocket(5, HOST, port, listeners);
    opened.push(socket);
    const sent = await new Promise<Error | null>((resolve) =>
      socket.send(Buffer.from('x'), 0, 1, port, HOST, resolve),
    );
    expect(sent).toBeNull();
    const failed = await new Promise<Error | null>((resolve) =>
      // Loopback cannot send to an address outside 127.0.0.0/8 from a 127.x source.
      socket.send(Buffer.from('x'), 0, 1, 9, '192.0.2.1', resolve),
    );
    expect(failed).toBeInstanceOf(Error);
  });
});
