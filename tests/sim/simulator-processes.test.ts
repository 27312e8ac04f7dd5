import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { snmpGet, snmpSet } from '../../src/snmp/snmp-session.js';
import { startTestSimulator, v2cProfile } from '../helpers/test-simulator.js';

const SYS_NAME = '1.3.6.1.2.1.1.5.0';

describe('vigil sim across processes', () => {
  let sim: Simulator;

  beforeAll(async () => {
    // 100 devices at 40 per process: three processes, as 100k devices need past the descriptor limit.
    sim = await startTestSimulator({ firstOctet: 150, devices: 100, devicesPerProcess: 40 });
  });

  afterAll(async () => {
    await sim?.close();
  });

  const get = (index: number) => {
    const device = sim.devices[index]!;
    return snmpGet(
      { host: device.host, port: device.port, profile: v2cProfile, timeoutMs: 500, retries: 0 },
      [SYS_NAME],
    );
  };

  it('spreads the fleet over child processes that all answer', async () => {
    expect(sim.processCount).toBe(3);
    const results = await Promise.all([0, 39, 40, 79, 80, 99].map(get));
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill('ok'));
    expect(String((results[5]!.varbinds[0]!.value as { value: Buffer }).value)).toBe(sim.devices[99]!.id);
  });

  it('silences children served by another process when their parent goes down', async () => {
    const parent = sim.devices.find(
      (p) => p.index < 40 && sim.devices.some((c) => c.parentIndex === p.index && c.index >= 40),
    )!;
    const child = sim.devices.find((c) => c.parentIndex === parent.index && c.index >= 40)!;
    sim.addFault(parent.id, 'down');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await get(child.index)).outcome).toBe('timeout');
    sim.removeFaults(parent.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await get(child.index)).outcome).toBe('ok');
  });

  it('mirrors a reboot done by SET in a child process', async () => {
    const device = sim.devices[85]!;
    const result = await snmpSet({ host: device.host, port: device.port, profile: v2cProfile }, [
      { oid: '1.3.6.1.4.1.32473.1.1.0', value: { type: 'Integer', value: 1 } },
    ]);
    expect(result.outcome).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sim.device(device.id).rebootCount).toBe(1);
    expect(sim.snapshot(device.id).reachable).toBe(false);
    const stats = await sim.stats();
    expect(stats.processes).toBe(3);
    expect(stats.devices).toBe(100);
  });
});
