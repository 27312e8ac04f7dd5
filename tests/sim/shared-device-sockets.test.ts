import { execFile } from 'node:child_process';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceSocketListeners } from '../../src/sim/device-socket.js';
import {
  bindSharedSockets,
  ipv4ToNumber,
  numberToIpv4,
  type SharedSockets,
} from '../../src/sim/shared-device-sockets.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { snmpGet } from '../../src/snmp/snmp-session.js';
import { startTestSimulator, TEST_COMMUNITY, v2cProfile } from '../helpers/test-simulator.js';

const exec = promisify(execFile);

const SYS_NAME = '1.3.6.1.2.1.1.5.0';

/** A port free on every address now: the shared socket binds the wildcard address. */
async function freeWildcardPort(): Promise<number> {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '0.0.0.0', resolve));
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(resolve));
  return port;
}

describe('one shared socket for many device addresses', () => {
  const open: SharedSockets[] = [];
  afterEach(() => {
    for (const sockets of open.splice(0)) sockets.close();
  });

  const received: { index: number; text: string }[] = [];
  const listeners: DeviceSocketListeners = {
    onMessage: (socket, datagram, rinfo) => {
      received.push({ index: socket.index, text: datagram.toString() });
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

  it('tells each datagram its device by destination and answers from that address', async () => {
    const port = await freeWildcardPort();
    const devices = [
      { index: 5, host: '127.152.0.1', port },
      { index: 9, host: '127.152.3.200', port },
    ];
    open.push(bindSharedSockets(devices, listeners));
    const client = createSocket('udp4');
    try {
      for (const device of devices) {
        const answer = once(client, 'message') as Promise<[Buffer, RemoteInfo]>;
        client.send(`to-${device.index}`, port, device.host);
        const [reply, from] = await answer;
        expect(reply.toString()).toBe(`re:to-${device.index}`);
        expect(from).toMatchObject({ address: device.host, port });
      }
      expect(received.slice(-2)).toEqual([
        { index: 5, text: 'to-5' },
        { index: 9, text: 'to-9' },
      ]);
    } finally {
      client.close();
    }
  });

  it('ignores a datagram for an address no device has', async () => {
    const port = await freeWildcardPort();
    open.push(bindSharedSockets([{ index: 1, host: '127.152.1.1', port }], listeners));
    const client = createSocket('udp4');
    const before = received.length;
    try {
      // Sent first on the same path: by the time the device's answer is back, it was read and dropped.
      client.send('nobody', port, '127.152.1.2');
      const answer = once(client, 'message') as Promise<[Buffer, RemoteInfo]>;
      client.send('somebody', port, '127.152.1.1');
      const [reply] = await answer;
      expect(reply.toString()).toBe('re:somebody');
      expect(received.slice(before)).toEqual([{ index: 1, text: 'somebody' }]);
    } finally {
      client.close();
    }
  });

  it('frees its port on close', async () => {
    const port = await freeWildcardPort();
    bindSharedSockets([{ index: 1, host: '127.152.2.1', port }], listeners).close();
    const again = bindSharedSockets([{ index: 1, host: '127.152.2.1', port }], listeners);
    open.push(again);
    expect(() => bindSharedSockets([{ index: 2, host: '127.152.2.2', port }], listeners)).toThrow(
      /bind: Address already in use/,
    );
  });

  it('says closed to an answer sent after close (a delayed one), never touching the freed socket', async () => {
    const port = await freeWildcardPort();
    let kept: Parameters<DeviceSocketListeners['onMessage']>[0] | undefined;
    const sockets = bindSharedSockets([{ index: 1, host: '127.152.4.1', port }], {
      onMessage: (socket) => (kept = socket),
      onError: () => undefined,
    });
    const client = createSocket('udp4');
    try {
      client.send('hello', port, '127.152.4.1');
      await expect.poll(() => kept).toBeDefined();
      sockets.close();
      // libuv closes the handle on the loop's next turns; the socket's memory must outlive the value.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(() => kept?.send(Buffer.from('late'), 0, 4, 9, '127.0.0.1')).toThrow(/shared socket is closed/);
    } finally {
      client.close();
    }
  });

  it('refuses a device whose address is not IPv4', async () => {
    const port = await freeWildcardPort();
    expect(() => bindSharedSockets([{ index: 3, host: 'router.example', port }], listeners)).toThrow(
      /device 3: router.example is not an IPv4 address/,
    );
  });

  it('converts addresses both ways', () => {
    expect(ipv4ToNumber('127.152.3.200')).toBe(((127 * 256 + 152) * 256 + 3) * 256 + 200);
    expect(numberToIpv4(ipv4ToNumber('255.0.10.1'))).toBe('255.0.10.1');
    expect(ipv4ToNumber('127.1.2')).toBe(-1);
    expect(ipv4ToNumber('127.1.2.256')).toBe(-1);
  });
});

describe('vigil sim --shared-socket', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('serves the whole fleet from one process, each device at its own address', async () => {
    // 100 devices at 40 a process would take three processes with a socket per device.
    sim = await startTestSimulator({
      firstOctet: 153,
      devices: 100,
      devicesPerProcess: 40,
      port: await freeWildcardPort(),
      sharedSocket: true,
    });
    expect(sim.processCount).toBe(1);
    const fleet = sim.devices;
    const results = await Promise.all(
      [0, 41, 99].map((i) =>
        snmpGet(
          { host: fleet[i]!.host, port: fleet[i]!.port, profile: v2cProfile, timeoutMs: 1_000, retries: 0 },
          [SYS_NAME],
        ),
      ),
    );
    expect(results.map((r) => String((r.varbinds[0]?.value as { value: Buffer }).value))).toEqual([
      fleet[0]!.id,
      fleet[41]!.id,
      fleet[99]!.id,
    ]);
    expect((await sim.stats()).answered).toBe(3);
  });

  it("answers Debian's snmpget, whose own decoder reads the answer", async () => {
    sim = await startTestSimulator({
      firstOctet: 153,
      devices: 30,
      port: await freeWildcardPort(),
      sharedSocket: true,
    });
    const device = sim.devices[17]!;
    const { stdout } = await exec('snmpget', [
      ...['-v2c', '-c', TEST_COMMUNITY, '-t', '1', '-r', '0', '-On'],
      `${device.host}:${device.port}`,
      ...['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.99.0'],
    ]);
    expect(stdout).toContain(`.1.3.6.1.2.1.1.5.0 = STRING: "${device.id}"`);
    expect(stdout).toMatch(/\.1\.3\.6\.1\.2\.1\.1\.3\.0 = Timeticks: \(\d+\)/);
    expect(stdout).toContain('.1.3.6.1.2.1.1.99.0 = No Such Object available on this agent at this OID');
  });
});
