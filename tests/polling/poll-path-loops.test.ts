import { afterAll, beforeAll, describe, it } from 'vitest';
import type { PollService } from '../../src/polling/poll-service.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { createTestPollService } from '../helpers/test-poll-service.js';
import { until } from '../helpers/wait.js';

/**
 * Faults that need time or topology to show: a reboot loop, a base station down, a hot board. The tests
 * run side by side (devices under different parents): the loop takes its reboots' time, the others not.
 */
describe.concurrent('poll path: reboot loops, a base station down, temperature', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let closeService: () => Promise<void>;
  let service: PollService;

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 173, devices: 30, fanout: 9 });
    redis = await createTestRedis();
    const built = await createTestPollService(sim, redis, { timeoutMs: 300, retries: 0 });
    service = built.service;
    closeService = built.close;
  });

  afterAll(async () => {
    await closeService?.();
    await sim?.close();
    await redis?.close();
  });

  const kindsOf = async (ids: string[]): Promise<Map<string, string[]>> =>
    new Map((await service.pollDevices(ids)).map((r) => [r.deviceId, r.findings.map((f) => f.kind).sort()]));

  it(
    'tells a reboot loop from one reboot, without calling the device unreachable',
    { timeout: 40_000 },
    async ({ expect }) => {
      const device = sim.devices.find((d) => d.kind === 'cpe')!;
      await kindsOf([device.id]);
      // Three reboots 5 s apart (the shortest loop the simulator makes, the fewest the probe calls one).
      sim.addFault(device.id, 'reboot_loop', { periodSeconds: 5 });
      const seen = new Set<string>();
      const kinds = await until(
        async () => {
          const now = (await kindsOf([device.id])).get(device.id) ?? [];
          for (const kind of now) seen.add(kind);
          return now.includes('reboot_loop') && now;
        },
        { timeoutMs: 25_000, everyMs: 600, what: 'reboot_loop' },
      ).finally(() => sim.removeFaults(device.id));
      expect(kinds).toContain('reboot_loop');
      // Silent for a moment in every cycle, never for long enough to be called unreachable.
      expect([...seen]).not.toContain('unreachable');
    },
  );

  it('sees a base station down, and every CPE behind it unreachable', async ({ expect }) => {
    // The last base station: the first one's CPEs include the one that was in a reboot loop.
    const station = sim.devices.filter((d) => d.kind === 'base_station').at(-1)!;
    const children = sim.devices.filter((d) => d.parentIndex === station.index).map((d) => d.id);
    const ids = [station.id, ...children];
    sim.addFault(station.id, 'down');
    let found = new Map<string, string[]>();
    for (let round = 0; round < 4; round++) found = await kindsOf(ids);
    sim.removeFaults(station.id);
    expect(found.get(station.id)).toEqual(['base_station_down']);
    for (const child of children) expect(found.get(child)).toEqual(['unreachable']);
  });

  it('reports a board over its temperature ceiling', async ({ expect }) => {
    const device = sim.devices.filter((d) => d.kind === 'cpe')[4]!;
    sim.addFault(device.id, 'high_temperature', { celsius: 96 });
    const reports = [];
    for (let round = 0; round < 3; round++) reports.push(...(await service.pollDevices([device.id])));
    sim.removeFaults(device.id);
    const finding = reports.at(-1)!.findings.find((f) => f.kind === 'resource_exhaustion');
    expect(finding?.subject).toBe('temperature');
    expect(finding?.evidence.summary).toMatch(/96/);
  });
});
