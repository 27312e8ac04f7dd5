import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollService } from '../../src/polling/poll-service.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { createTestPollService } from '../helpers/test-poll-service.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Faults that need time or topology to show: a reboot loop, a base station down, a hot board. */
describe('poll path: reboot loops, a base station down, temperature', () => {
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
    async () => {
      const device = sim.devices.find((d) => d.kind === 'cpe')!;
      await kindsOf([device.id]);
      sim.addFault(device.id, 'reboot_loop', { periodSeconds: 5 });
      let kinds: string[] = [];
      for (
        const started = Date.now();
        Date.now() - started < 25_000 && !kinds.includes('reboot_loop');
        await sleep(600)
      ) {
        kinds = (await kindsOf([device.id])).get(device.id) ?? [];
        expect(kinds).not.toContain('unreachable');
      }
      sim.removeFaults(device.id);
      expect(kinds).toContain('reboot_loop');
    },
  );

  it('sees a base station down, and every CPE behind it unreachable', async () => {
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

  it('reports a board over its temperature ceiling', async () => {
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
