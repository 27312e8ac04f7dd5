import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeRates, uptimeWentBack } from '../../src/polling/compute-rates.js';
import { createDevicePoller, type DevicePoller, type PollTarget } from '../../src/polling/poll-device.js';
import type { Probe } from '../../src/probes/probe-types.js';
import type { Simulator } from '../../src/sim/simulator.js';
import type { SimDevice } from '../../src/sim/sim-device.js';
import { UdpGetTransport } from '../../src/snmp/udp-get-transport.js';
import { startTestSimulator, v2cProfile, v3Profile } from '../helpers/test-simulator.js';
import { loadShippedProbes } from '../helpers/shipped-probes.js';
import { until } from '../helpers/wait.js';
import { pollOneDevice } from '../../src/polling/poll-one-device.js';

describe('polling a simulated device with its probe', () => {
  let sim: Simulator;
  let transport: UdpGetTransport;
  let poller: DevicePoller;
  let probes: ReadonlyMap<string, Probe>;

  beforeAll(async () => {
    probes = await loadShippedProbes();
    sim = await startTestSimulator({ firstOctet: 165 });
    transport = new UdpGetTransport();
    poller = createDevicePoller(transport);
  });

  afterAll(async () => {
    await transport?.close();
    await sim?.close();
  });

  const target = (device: SimDevice, profile = v2cProfile): PollTarget => ({
    id: device.id,
    host: device.host,
    port: device.port,
    profile,
  });
  const probeFor = (device: SimDevice): Probe =>
    probes.get(sim.fleet.inventory.devices[device.index]!.profile)!;
  const gponCpe = () => sim.devices.find((d) => d.model === 'cpe-gpon')!;

  it('discovers the interface rows, then reads everything with GETs', async () => {
    const device = gponCpe();
    const first = await poller.poll(target(device), probeFor(device));
    expect(first.result.outcome).toBe('ok');
    // RAM is row 2 of this model's hrStorageTable (its flash is row 1): chosen by type, not position.
    expect(first.indices).toEqual({
      interfaces: ['1', '2', '3', '4'],
      storage: ['2'],
      processors: ['196608'],
    });
    const again = await poller.poll(target(device), probeFor(device), first.indices);
    expect(again.result.outcome).toBe('ok');
    expect(again.result.meta.pdus).toBe(1);
    const sample = again.result.sample!;
    expect(sample.scalars.sysName).toBe(device.id);
    expect(sample.scalars.sysUpTime).toBeGreaterThan(3600);
    expect(sample.scalars.signal).toBeLessThan(-16);
    expect(sample.tables.interfaces!['1']).toMatchObject({
      ifDescr: 'pon0',
      ifOperStatus: 'up',
      ifAdminStatus: 'up',
    });
    expect(sample.tables.interfaces!['3']).toMatchObject({ ifDescr: 'lan2', ifOperStatus: 'down' });
    const memoryPercent =
      (100 * (sample.scalars.memoryUsed as number)) / (sample.scalars.memorySize as number);
    expect(memoryPercent).toBeGreaterThan(25);
    expect(memoryPercent).toBeLessThan(65);
  });

  it('polls over SNMPv3 authPriv with the same result', async () => {
    const device = gponCpe();
    const output = await poller.poll(target(device, v3Profile), probeFor(device));
    expect(output.result.outcome).toBe('ok');
    expect(output.result.sample!.scalars.sysName).toBe(device.id);
  });

  it('reads a base station cell table', async () => {
    const station = sim.devices.find((d) => d.kind === 'base_station')!;
    sim.addFault(station.id, 'cell_down', { cell: 2 });
    const output = await poller.poll(target(station), probeFor(station));
    sim.removeFaults(station.id);
    expect(output.result.outcome).toBe('ok');
    expect(Object.values(output.result.sample!.tables.cells!).map((c) => c.cellOperStatus)).toEqual([
      'up',
      'down',
      'up',
    ]);
  });

  it('gives a timeout outcome for a silent device, never an exception', async () => {
    const device = sim.devices.filter((d) => d.kind === 'cpe')[3]!;
    sim.addFault(device.id, 'down');
    const probe = { ...probeFor(device), timeoutMs: 200, retries: 1 };
    const output = await poller.poll(target(device), probe, {
      interfaces: ['1', '2', '3'],
      storage: ['2'],
      processors: ['196608'],
    });
    sim.removeFaults(device.id);
    expect(output.result).toMatchObject({
      deviceId: device.id,
      outcome: 'timeout',
      meta: { pdus: 2, retries: 1 },
    });
    expect(output.result.sample).toBeUndefined();
  });

  it('turns counters into per-second rates and leaves them unknown across a reboot', async () => {
    const device = gponCpe();
    sim.addFault(device.id, 'line_errors', { perHour: 36_000 });
    const probe = probeFor(device);
    const a = await poller.poll(target(device), probe);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const b = await poller.poll(target(device), probe, a.indices);
    const rates = computeRates(probe, a.result.sample, b.result.sample!);
    // 36,000 errors/h = 10/s on the PON port; counters tick in whole errors, so allow rounding.
    expect(rates['interfaces.1.ifInErrors']).toBeGreaterThan(5);
    expect(rates['interfaces.1.ifInErrors']).toBeLessThan(15);
    expect(rates['interfaces.2.ifInErrors']).toBe(0);
    const rebooted = {
      ...b.result.sample!,
      at: b.result.sample!.at + 60_000,
      scalars: { ...b.result.sample!.scalars, sysUpTime: 5 },
    };
    expect(computeRates(probe, b.result.sample, rebooted)['interfaces.1.ifInErrors']).toBeNull();
    sim.removeFaults(device.id);
  });

  it('walks the tables again after the device rebooted: agents number their rows afresh on start', async () => {
    const device = sim.devices.filter((d) => d.model === 'cpe-gpon')[2]!;
    const probe = probeFor(device);
    const deps = { poller, authProfiles: new Map([[v2cProfile.name, v2cProfile]]), clock: Date.now };
    const inventoryDevice = { ...sim.fleet.inventory.devices[device.index]!, auth: v2cProfile.name };
    const input = { device: inventoryDevice, probe, expectedRebootUntil: undefined };
    const first = await pollOneDevice(deps, { ...input, previous: undefined });
    expect(first.state.indices.interfaces).toEqual(['1', '2', '3', '4']);
    const steady = await pollOneDevice(deps, { ...input, previous: first.state });
    expect(steady.state.indices).toEqual(first.state.indices);

    sim.reboot(device.id);
    await until(async () => {
      const after = await pollOneDevice(deps, { ...input, previous: steady.state });
      return after.report.result.outcome === 'ok' ? after : undefined;
    }).then((after) => {
      expect(after.state.indices).toEqual({});
      expect(after.report.result.sample?.scalars.sysUpTime).toBeLessThan(60);
    });
  });

  it('tells a TimeTicks wrap from a reboot', () => {
    expect(uptimeWentBack(42_949_000, 100)).toBe(false);
    expect(uptimeWentBack(3_600_000, 100)).toBe(true);
    expect(uptimeWentBack(100, 200)).toBe(false);
  });
});
