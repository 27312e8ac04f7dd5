import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { decodeGetResponse } from '../../src/snmp/decode-get-response.js';
import {
  createGetRequestTemplate,
  encodeOidContent,
  requestFromTemplate,
} from '../../src/snmp/get-request-template.js';
import { UdpGetTransport } from '../../src/snmp/udp-get-transport.js';
import { startTestSimulator, TEST_COMMUNITY } from '../helpers/test-simulator.js';

const OIDS = [
  '1.3.6.1.2.1.1.5.0',
  '1.3.6.1.2.1.1.3.0',
  '1.3.6.1.2.1.2.2.1.10.1',
  '1.3.6.1.2.1.31.1.1.1.6.1',
  '1.3.6.1.2.1.1.99.0',
];

describe('GET request template and response decoding', () => {
  it('encodes OIDs with base-128 arcs (X.690 8.19)', () => {
    expect(encodeOidContent('1.3.6.1.4.1.32473.1.1.0').toString('hex')).toBe('2b0601040181fd59010100');
  });

  it('patches the request id into a copy and leaves the template untouched', () => {
    const template = createGetRequestTemplate('2c', 'public', OIDS);
    const packet = requestFromTemplate(template, 0x12345678);
    expect(packet.readUInt32BE(template.requestIdOffset)).toBe(0x12345678);
    expect(template.bytes.readUInt32BE(template.requestIdOffset)).toBe(0x01000000);
  });

  it('says malformed, never throws, for broken datagrams', () => {
    const junk = [
      Buffer.alloc(0),
      Buffer.from('hello'),
      Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x30, 0x03, 0x02, 0x01]),
    ];
    for (const datagram of junk) expect(decodeGetResponse(datagram)).toHaveProperty('malformed');
    const template = createGetRequestTemplate('2c', 'public', OIDS);
    for (let cut = 1; cut < template.bytes.length; cut += 3)
      expect(decodeGetResponse(template.bytes.subarray(0, cut))).toHaveProperty('malformed');
  });
});

describe.each([
  { socket: 'the batch socket', batched: true },
  { socket: 'dgram', batched: false },
])('UDP GET transport against the simulator, through $socket', ({ batched }) => {
  let sim: Simulator;
  let transport: UdpGetTransport;

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: batched ? 160 : 161 });
    transport = new UdpGetTransport({ batched });
  });

  it(batched ? 'sends IPv4 targets through the native batch socket' : 'keeps to dgram when asked', () => {
    expect(transport.batched).toBe(batched);
  });

  it('resolves a target named by a host name, and takes the answer from the address it resolved to', async () => {
    // An agent at 127.0.0.1 that answers each GET with the request itself as a GetResponse.
    const agent = createSocket('udp4');
    agent.on('message', (request, from) => {
      const answer = Buffer.from(request);
      answer[answer.indexOf(0xa0, 2)] = 0xa2;
      agent.send(answer, from.port, from.address);
    });
    await new Promise<void>((resolve) => agent.bind(0, '127.0.0.1', () => resolve()));
    try {
      const template = createGetRequestTemplate('2c', TEST_COMMUNITY, OIDS.slice(0, 2));
      const target = { host: 'localhost', port: agent.address().port };
      const result = await transport.get(target, template, { timeoutMs: 1000, retries: 0 });
      expect(result).toMatchObject({ outcome: 'ok', pdus: 1 });
      expect(result.values).toHaveLength(2);
    } finally {
      agent.close();
    }
  });

  afterAll(async () => {
    await transport?.close();
    await sim?.close();
  });

  const cpe = () => sim.devices.find((d) => d.kind === 'cpe')!;

  it('reads scalars, both counter widths and per-varbind exceptions in the order asked', async () => {
    const device = cpe();
    const template = createGetRequestTemplate('2c', TEST_COMMUNITY, OIDS);
    const result = await transport.get(device, template, { timeoutMs: 1000, retries: 0 });
    expect(result.outcome).toBe('ok');
    expect(result.values.map((v) => (typeof v === 'string' ? v : v.type))).toEqual([
      'OctetString',
      'TimeTicks',
      'Counter32',
      'Counter64',
      'noSuchObject',
    ]);
    expect(String((result.values[0] as { value: Buffer }).value)).toBe(device.id);
    expect(result.pdus).toBe(1);
  });

  it('reports SNMPv1 noSuchName as an error status with its index', async () => {
    const template = createGetRequestTemplate('1', TEST_COMMUNITY, OIDS);
    const result = await transport.get(cpe(), template, { timeoutMs: 1000, retries: 0 });
    expect(result).toMatchObject({ outcome: 'error_status', errorStatus: 2, errorIndex: 5 });
  });

  it('times out after its retries when the device is silent', async () => {
    const device = sim.devices.filter((d) => d.kind === 'cpe')[1]!;
    sim.addFault(device.id, 'down');
    const template = createGetRequestTemplate('2c', TEST_COMMUNITY, OIDS.slice(0, 2));
    const result = await transport.get(device, template, { timeoutMs: 150, retries: 2 });
    sim.removeFaults(device.id);
    expect(result).toMatchObject({ outcome: 'timeout', pdus: 3, retries: 2 });
  });

  it('ignores a forged answer from another address with a pending request id', async () => {
    const device = sim.devices.filter((d) => d.kind === 'cpe')[2]!;
    sim.addFault(device.id, 'slow', { latencyMs: 300 });
    const template = createGetRequestTemplate('2c', TEST_COMMUNITY, ['1.3.6.1.2.1.1.5.0']);
    const before = transport.stats.ignored;
    const pending = transport.get(device, template, { timeoutMs: 2000, retries: 0 });
    // Send garbage to the transport from a stranger while the real answer is delayed.
    const port = transport.localPorts()[0];
    expect(port).toBeGreaterThan(0);
    const stranger = createSocket('udp4');
    await new Promise<void>((resolve) =>
      stranger.send(Buffer.from([0x30, 0x00]), port, '127.0.0.1', () => resolve()),
    );
    stranger.close();
    const result = await pending;
    sim.removeFaults(device.id);
    expect(result.outcome).toBe('ok');
    expect(transport.stats.ignored).toBeGreaterThan(before);
  });
});

describe('UDP GET transport, what it refuses to send', () => {
  const template = createGetRequestTemplate('2c', TEST_COMMUNITY, OIDS.slice(0, 1));
  const options = { timeoutMs: 200, retries: 1 };

  it('refuses a port out of range and an address in a form a resolver reads otherwise, sending nothing', async () => {
    const transport = new UdpGetTransport();
    try {
      for (const [target, reason] of [
        [{ host: '127.0.0.1', port: 0 }, /port 0 is out of range/],
        [{ host: '127.0.0.1', port: 70_000 }, /port 70000 is out of range/],
        [{ host: '010.0.0.1', port: 161 }, /not a dotted-quad IPv4 address/],
        [{ host: '2130706433', port: 161 }, /not a dotted-quad IPv4 address/],
        [{ host: '0x7f.1', port: 161 }, /not a dotted-quad IPv4 address/],
      ] as const) {
        const result = await transport.get(target, template, options);
        expect(result).toMatchObject({ outcome: 'transport_error', pdus: 0 });
        expect(result.reason).toMatch(reason);
      }
      expect(transport.stats.sent).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it('answers a GET asked after close as transport_error, and holds no port', async () => {
    const transport = new UdpGetTransport();
    expect(transport.localPorts().length).toBeGreaterThan(0);
    await transport.close();
    expect(transport.localPorts()).toEqual([]);
    const result = await transport.get({ host: '127.0.0.1', port: 161 }, template, options);
    expect(result).toMatchObject({ outcome: 'transport_error', reason: 'transport closed', pdus: 0 });
  });
});
