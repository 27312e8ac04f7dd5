import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevicePoller, type PollTarget } from '../../src/polling/poll-device.js';
import type { Probe } from '../../src/probes/probe-types.js';
import type { SimDevice } from '../../src/sim/sim-device.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { UdpGetTransport } from '../../src/snmp/udp-get-transport.js';
import { loadShippedProbes } from '../helpers/shipped-probes.js';
import { startTestSimulator, v2cProfile } from '../helpers/test-simulator.js';

/**
 * A fleet's first cycle walks each model's tables once: the other devices of that model borrow the
 * rows on their first poll, and a device whose rows are not its model's is walked on its own.
 */
describe('table rows lent between devices of one model', () => {
  let sim: Simulator;
  let transport: UdpGetTransport;
  let probes: ReadonlyMap<string, Probe>;

  beforeAll(async () => {
    probes = await loadShippedProbes();
    sim = await startTestSimulator({ firstOctet: 161 });
    transport = new UdpGetTransport();
  });

  afterAll(async () => {
    await transport?.close();
    await sim?.close();
  });

  const target = (device: SimDevice, model?: string): PollTarget => ({
    id: device.id,
    host: device.host,
    port: device.port,
    profile: v2cProfile,
    ...(model !== undefined ? { model } : {}),
  });
  const ofModel = (model: string): SimDevice[] => sim.devices.filter((d) => d.model === model);

  it("reads a second device of the model with one GET, on the first device's rows", async () => {
    const poller = createDevicePoller(transport);
    const probe = probes.get('cpe-gpon')!;
    const [first, second] = ofModel('cpe-gpon');
    const walked = await poller.poll(target(first!, 'cpe-gpon'), probe);
    expect(walked.result.outcome).toBe('ok');
    expect(walked.result.meta.pdus).toBeGreaterThan(1);

    const lent = await poller.poll(target(second!, 'cpe-gpon'), probe);
    expect(lent.result.outcome).toBe('ok');
    expect(lent.result.meta.pdus).toBe(1);
    expect(lent.indices).toEqual(walked.indices);
    expect(lent.result.sample?.scalars.sysName).toBe(second!.id);
  });

  it('has the devices polled alongside the first of their model wait for its walk instead of walking', async () => {
    const poller = createDevicePoller(transport);
    const probe = probes.get('cpe-gpon')!;
    const devices = ofModel('cpe-gpon').slice(0, 4);
    const outputs = await Promise.all(devices.map((d) => poller.poll(target(d, 'cpe-gpon'), probe)));
    expect(outputs.map((o) => o.result.outcome)).toEqual(devices.map(() => 'ok'));
    const walked = outputs.filter((o) => o.result.meta.pdus > 1);
    expect(walked).toHaveLength(1);
    for (const output of outputs) expect(output.indices).toEqual(walked[0]!.indices);
  });

  it("has the devices that waited for a model's walk that timed out walk it once more together, not each its own", async () => {
    const poller = createDevicePoller(transport);
    const probe = probes.get('cpe-gpon')!;
    const [dead, ...healthy] = ofModel('cpe-gpon').slice(4, 12);
    sim.addFault(dead!.id, 'down');
    try {
      // The dead device is polled first: it leads the model's walk, which times out.
      const outputs = await Promise.all(
        [dead!, ...healthy].map((d) => poller.poll(target(d, 'cpe-gpon'), probe)),
      );
      expect(outputs[0]!.result.outcome).toBe('timeout');
      const rest = outputs.slice(1);
      expect(rest.map((o) => o.result.outcome)).toEqual(healthy.map(() => 'ok'));
      // One of them led the second walk; the others read on its rows with one GET each.
      expect(rest.filter((o) => o.result.meta.pdus > 1)).toHaveLength(1);
      for (const output of rest) expect(output.indices).toEqual(rest[0]!.indices);
    } finally {
      sim.removeFaults(dead!.id, 'down');
    }
  });

  it("lends a model's rows when one of the probe's tables is empty on it (Net-SNMP without sensors)", async () => {
    const poller = createDevicePoller(transport);
    const gpon = probes.get('cpe-gpon')!;
    // A table no simulated device has: its walk finds no row.
    const sensors = {
      name: 'sensors',
      maxRows: 16,
      columns: [
        { name: 'sensorValue', oid: '1.3.6.1.4.1.99999.77.1.1.2', kind: 'gauge' as const, optional: false },
      ],
    };
    const probe: Probe = { ...gpon, tables: [...gpon.tables, sensors] };
    const [first, second] = ofModel('cpe-gpon');
    const walked = await poller.poll(target(first!, 'cpe-gpon'), probe);
    expect(walked.result.outcome).toBe('ok');
    expect(walked.indices['sensors']).toEqual([]);

    const lent = await poller.poll(target(second!, 'cpe-gpon'), probe);
    expect(lent.result.outcome).toBe('ok');
    expect(lent.result.meta.pdus).toBe(1);
    expect(lent.indices).toEqual(walked.indices);
  });

  it('walks each device without a model in the inventory', async () => {
    const poller = createDevicePoller(transport);
    const probe = probes.get('cpe-gpon')!;
    const [first, second] = ofModel('cpe-gpon');
    await poller.poll(target(first!), probe);
    const own = await poller.poll(target(second!), probe);
    expect(own.result.outcome).toBe('ok');
    expect(own.result.meta.pdus).toBeGreaterThan(1);
  });

  it('walks a device on its own, in the same poll, when the rows lent to it are not its own', async () => {
    const probe = probes.get('generic')!;
    const [gpon] = ofModel('cpe-gpon');
    const [other] = sim.devices.filter((d) => d.model !== 'cpe-gpon' && d.model !== 'cpe-lte');
    // What a walk of the other device alone finds: not the rows the GPON CPE has.
    const alone = await createDevicePoller(transport).poll(target(other!), probe);
    const poller = createDevicePoller(transport);
    const lender = await poller.poll(target(gpon!, 'one-model'), probe);
    expect(alone.indices).not.toEqual(lender.indices);

    const borrower = await poller.poll(target(other!, 'one-model'), probe);
    expect(borrower.result.outcome).toBe('ok');
    expect(borrower.indices).toEqual(alone.indices);
    expect(Object.keys(borrower.result.sample?.tables.interfaces ?? {})).toEqual(alone.indices.interfaces);
  });

  it('asks a silent device whose rows are unknown one GET, and walks nothing: no walk slot held for a timeout', async () => {
    // A listener that never answers and keeps the PDU type of everything it is sent.
    const silent = createSocket('udp4');
    const asked: number[] = [];
    silent.on('message', (datagram) => asked.push(pduTag(datagram)));
    silent.bind(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address();
    try {
      const probe = { ...probes.get('cpe-gpon')!, timeoutMs: 300, retries: 0 };
      const poller = createDevicePoller(transport);
      // 40 devices with no rows known (their first poll timed out), more than the walks a poller runs at once.
      const polls = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          poller.poll({ id: `silent-${i}`, host: '127.0.0.1', port, profile: v2cProfile }, probe, {}),
        ),
      );
      expect(polls.map((p) => p.result.outcome)).toEqual(polls.map(() => 'timeout'));
      expect(polls.every((p) => Object.keys(p.indices).length === 0)).toBe(true);
      expect(asked).toHaveLength(40);
      expect(new Set(asked)).toEqual(new Set([GET_REQUEST]));
    } finally {
      silent.close();
    }
  });

  it('walks a device whose rows are unknown once it answers', async () => {
    const poller = createDevicePoller(transport);
    const probe = probes.get('cpe-gpon')!;
    const [device] = ofModel('cpe-gpon');
    const polled = await poller.poll(target(device!), probe, {});
    expect(polled.result.outcome).toBe('ok');
    expect(polled.indices.interfaces?.length).toBeGreaterThan(0);
    // The GET that found it answering, then the walk's requests.
    expect(polled.result.meta.pdus).toBeGreaterThan(2);
  });
});

const GET_REQUEST = 0xa0;

/** The PDU's tag in an SNMPv1/v2c message: SEQUENCE { version, community, PDU }. */
function pduTag(datagram: Buffer): number {
  let at = 1;
  const skipLength = (): number => {
    const first = datagram[at++] as number;
    if (first < 0x80) return first;
    let length = 0;
    for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (datagram[at++] as number);
    return length;
  };
  skipLength(); // the message's SEQUENCE
  for (let field = 0; field < 2; field++) {
    at += 1; // version INTEGER, community OCTET STRING
    const length = skipLength();
    at += length;
  }
  return datagram[at] as number;
}
