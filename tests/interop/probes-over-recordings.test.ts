import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOnce } from '../../src/polling/probe-once.js';
import type { Probe } from '../../src/probes/probe-types.js';
import { selectProbe } from '../../src/probes/select-probe.js';
import { loadRecordings, type LoadedRecording } from '../../src/sim/load-recordings.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { loadShippedProbes } from '../helpers/shipped-probes.js';
import { startTestSimulator, v2cProfile, v3Profile } from '../helpers/test-simulator.js';

const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

/**
 * Every shipped probe over every recording of a real (or documented) agent in recordings/, served by
 * the simulator with time moving: the probe the device's sysObjectID selects decodes it, and a
 * healthy device raises no finding — the false memory alarm a row-1 probe raised on Debian's snmpd.
 */
describe('the shipped probes over every recording', { timeout: 60_000 }, () => {
  let recordings: LoadedRecording[];
  let probes: ReadonlyMap<string, Probe>;
  let sim: Simulator;

  beforeAll(async () => {
    probes = await loadShippedProbes();
    ({ recordings } = await loadRecordings('recordings', Date.now()));
    sim = await startTestSimulator({ devices: 4, fanout: 3, firstOctet: 63, recordings });
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('cover the recordings shipped', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(4);
  });

  for (const profile of [v2cProfile, v3Profile]) {
    it(`choose the probe by sysObjectID, decode, and find nothing wrong on a healthy recording (v${profile.version})`, async () => {
      for (const { spec } of recordings) {
        const device = sim.devices.find((d) => d.id === spec.id)!;
        const recordedId = spec.records.find((r) => r.oid === SYS_OBJECT_ID)?.value;
        const sysObjectId = typeof recordedId === 'object' ? String(recordedId.value) : undefined;
        const expected = selectProbe(probes, sysObjectId)!;
        const inventory = sim.fleet.inventory.devices.find((d) => d.id === spec.id)!;
        expect(inventory.profile, spec.id).toBe(expected.name);

        const report = await probeOnce({
          host: device.host,
          port: device.port,
          profile,
          probes,
          samples: 2,
          intervalMs: 1_100,
        });
        expect(report.outcome, spec.id).toBe('ok');
        expect(report.probe.name, spec.id).toBe(expected.name);
        expect(report.sample?.scalars.sysUpTime, spec.id).toBeGreaterThan(0);
        expect(
          report.findings.map((f) => `${f.kind}:${f.subject ?? ''} ${f.evidence.summary}`),
          spec.id,
        ).toEqual([]);

        const { memoryUsed, memorySize } = report.sample!.scalars;
        if (typeof memorySize === 'number') {
          const percent = (100 * (memoryUsed as number)) / memorySize;
          expect(percent, `${spec.id} memory`).toBeGreaterThan(0);
          expect(percent, `${spec.id} memory`).toBeLessThan(60);
        }
      }
    });
  }

  it('read RAM where each agent keeps it: the OpenWrt router lists buffers first and RAM second', async () => {
    const router = sim.devices.find((d) => d.id === 'openwrt-router')!;
    const report = await probeOnce({
      host: router.host,
      port: router.port,
      profile: v2cProfile,
      probes,
      samples: 1,
      intervalMs: 0,
    });
    expect(report.scalars?.memoryUsed?.derived).toBe('formula 1 of 2: storage rows 2, 1');
    // Real Memory 63,176 KiB used of 124,396, less 4,096 of buffers (older Net-SNMP spells it "Memory Buffers").
    expect(report.sample!.scalars.memoryUsed).toBe((63_176 - 4_096) * 1024);
    expect(report.sample!.scalars.memorySize).toBe(124_396 * 1024);
  });
});
