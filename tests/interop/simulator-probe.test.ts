import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOnce } from '../../src/polling/probe-once.js';
import type { Probe } from '../../src/probes/probe-types.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { startTestSimulator, v2cProfile, v3Profile } from '../helpers/test-simulator.js';
import { loadShippedProbes } from '../helpers/shipped-probes.js';

describe('vigil probe against the simulator', () => {
  let sim: Simulator;
  let probes: ReadonlyMap<string, Probe>;

  beforeAll(async () => {
    probes = await loadShippedProbes();
    sim = await startTestSimulator({ firstOctet: 175 });
  });

  afterAll(async () => {
    await sim?.close();
  });

  const cpe = (n: number) => sim.devices.filter((d) => d.kind === 'cpe')[n]!;

  it('picks the model’s probe by sysObjectID and reports a line fault as error_rate, if it persisted', async () => {
    const device = cpe(0);
    sim.addFault(device.id, 'line_errors', { perHour: 36_000 });
    const report = await probeOnce({
      host: device.host,
      port: device.port,
      profile: v2cProfile,
      probes,
      samples: 2,
      intervalMs: 1_000,
    });
    expect(report.outcome).toBe('ok');
    expect(report.probe).toMatchObject({ name: device.model, selectedBy: 'sysObjectID', deviceKind: 'cpe' });
    expect(report.sample!.scalars.sysName).toBe(device.id);
    const errorRate = report.findings.find((f) => f.kind === 'error_rate');
    expect(errorRate).toBeDefined();
    expect(Number(errorRate!.evidence.values.errorsPerHour)).toBeGreaterThan(10_000);
  });

  it('finds nothing wrong with a healthy device over SNMPv3', async () => {
    const device = cpe(1);
    const report = await probeOnce({
      host: device.host,
      port: device.port,
      profile: v3Profile,
      probes,
      samples: 2,
      intervalMs: 200,
    });
    expect(report.outcome).toBe('ok');
    expect(report.auth).toEqual({
      version: '3',
      user: v3Profile.user!.name,
      authProtocol: 'sha',
      privProtocol: 'aes',
    });
    expect(report.findings.filter((f) => f.kind !== 'stale_uptime')).toEqual([]);
  });
});
