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

  it('reads an OLT with the generic probe as it reads any agent: RAM by type less cache, every core, the hottest sensor', async () => {
    const node = sim.devices.find((d) => d.kind === 'access_node')!;
    const probe = (extra: { samples: number }) =>
      probeOnce({
        host: node.host,
        port: node.port,
        profile: v2cProfile,
        probes,
        probeName: 'generic',
        intervalMs: 200,
        ...extra,
      });
    const healthy = await probe({ samples: 1 });
    const scalars = healthy.sample!.scalars;
    const memoryPercent = (100 * (scalars.memoryUsed as number)) / (scalars.memorySize as number);
    // The simulator's OLT uses 30-60% of its RAM and keeps most of the rest as cache (Net-SNMP layout).
    expect(memoryPercent).toBeGreaterThan(25);
    expect(memoryPercent).toBeLessThan(65);
    expect(healthy.scalars?.memoryUsed?.derived).toBe('formula 1 of 2: storage rows 1, 6, 7');
    expect(healthy.scalars?.cpuLoad?.derived).toBe(
      'formula 1 of 2: processors rows 196608, 196609, 196610, 196611',
    );
    // The board sensor in tenths, units; the CPU sensor in millidegrees, 6 °C cooler; the 12 V rail is no temperature.
    expect(scalars.temperature).toBeGreaterThanOrEqual(38);
    expect(scalars.temperature).toBeLessThanOrEqual(50);
    expect(healthy.findings.filter((f) => f.kind === 'resource_exhaustion')).toEqual([]);

    sim.addFault(node.id, 'high_temperature', { celsius: 92 });
    sim.addFault(node.id, 'high_memory', { percent: 96 });
    const hot = await probe({ samples: 1 });
    // The control API tells what the device holds, as the probe reads it.
    expect(sim.snapshot(node.id)).toMatchObject({ memoryPercent: 96, temperatureCelsius: 92 });
    sim.removeFaults(node.id);
    expect(hot.sample!.scalars.temperature).toBe(92);
    expect(
      hot.findings
        .filter((f) => f.kind === 'resource_exhaustion')
        .map((f) => f.subject)
        .sort(),
    ).toEqual(['memory', 'temperature']);
  });
});
