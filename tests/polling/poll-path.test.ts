import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollService } from '../../src/polling/poll-service.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import { createDeviceStatusIndex } from '../../src/polling/device-status-index.js';
import { RECENT_POINTS, viewRecent } from '../../src/polling/recent-samples.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { createTestPollService } from '../helpers/test-poll-service.js';
import { sleep, until } from '../helpers/wait.js';

/** The whole poll path on a real simulator and a real Redis: request, decode, rates, detection, state. */
describe('poll path: simulator → poll → detection → Redis', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let closeService: () => Promise<void>;
  let service: PollService;
  let ids: string[];

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 168, devices: 40, fanout: 9 });
    redis = await createTestRedis();
    const built = await createTestPollService(sim, redis, { timeoutMs: 300 });
    service = built.service;
    closeService = built.close;
    ids = sim.devices.map((d) => d.id);
  });

  afterAll(async () => {
    await closeService?.();
    await sim?.close();
    await redis?.close();
  });

  /**
   * Polls the whole fleet `count` times, `gapMs` apart: counters grow between two polls, so they become
   * rates (a fault's 10 errors a second show as 3 in 300 ms; a line's trickle of one or two an hour, none).
   */
  async function rounds(count: number, gapMs = 300): Promise<Map<string, string[]>> {
    let reports = await service.pollDevices(ids);
    for (let i = 1; i < count; i++) {
      await sleep(gapMs);
      reports = await service.pollDevices(ids);
    }
    return new Map(
      reports
        .filter((r) => r.findings.length > 0)
        .map((r) => [r.deviceId, r.findings.map((f) => f.kind).sort()]),
    );
  }

  const cpes = () => sim.devices.filter((d) => d.kind === 'cpe');

  it('raises nothing on a healthy fleet', async () => {
    expect(await rounds(3)).toEqual(new Map());
  });

  it('raises exactly the right finding for each injected fault', async () => {
    const [stale, errors, wan, signal, cpu, memory, down] = [0, 1, 2, 3, 4, 5, 6].map((i) => cpes()[i]!);
    const station = sim.devices.find((d) => d.kind === 'base_station')!;
    sim.addFault(stale!.id, 'stale_uptime', { days: 41 });
    sim.addFault(errors!.id, 'line_errors', { perHour: 36_000 });
    sim.addFault(wan!.id, 'wan_down');
    sim.addFault(signal!.id, 'low_signal', { dbm: -135 });
    sim.addFault(cpu!.id, 'high_cpu', { percent: 99 });
    sim.addFault(memory!.id, 'high_memory', { percent: 97 });
    sim.addFault(down!.id, 'down');
    sim.addFault(station.id, 'cell_down', { cell: 2 });

    const found = await rounds(4);
    expect(found).toEqual(
      new Map([
        [stale!.id, ['stale_uptime']],
        [errors!.id, ['error_rate']],
        [wan!.id, ['wan_down']],
        [signal!.id, ['low_signal']],
        [cpu!.id, ['resource_exhaustion']],
        [memory!.id, ['resource_exhaustion']],
        [down!.id, ['unreachable']],
        [station.id, ['cell_down']],
      ]),
    );

    // NOC's filters read the pollers' index: by finding kind, by status, and both.
    const index = createDeviceStatusIndex(redis.redis, redis.keys);
    expect((await index.page({ finding: 'wan_down' }, undefined, 100)).ids).toEqual([wan!.id]);
    expect((await index.page({ status: 'down' }, undefined, 100)).ids).toEqual([down!.id]);
    expect(
      (await index.page({ finding: 'resource_exhaustion', status: 'degraded' }, undefined, 1)).ids,
    ).toHaveLength(1);
    expect((await index.page({ status: 'up' }, undefined, 1000)).ids).toHaveLength(ids.length - 8);

    // Remove them (a stale router's cure is a reboot) and the findings clear; the reboot is reported.
    for (const device of [errors, wan, signal, cpu, memory, down, station]) sim.removeFaults(device!.id);
    sim.reboot(stale!.id);
    await until(() => sim.snapshot(stale!.id).agentUp, { what: `${stale!.id} back from its reboot` });
    const after = await rounds(3);
    expect(after).toEqual(new Map([[stale!.id, ['unexpected_reboot']]]));
  });

  it('raises no false finding under 10% packet loss fleet-wide', async () => {
    for (const id of ids) sim.addFault(id, 'packet_loss', { percent: 10 });
    try {
      const found = await rounds(12, 100);
      // The one left over from the previous test is the only finding.
      expect([...found.keys()].filter((id) => !found.get(id)!.includes('unexpected_reboot'))).toEqual([]);
    } finally {
      for (const id of ids) sim.removeFaults(id, 'packet_loss');
    }
  });

  it('stores the state and publishes the finding changes on the stream', async () => {
    const events = await redis.redis.xrange(redis.keys.findingEvents(), '-', '+');
    const opened = events
      .filter(([, fields]) => fields[1] === 'opened')
      .map(([, fields]) => (JSON.parse(fields[5]!) as { kind: string }).kind);
    const cleared = events
      .filter(([, fields]) => fields[1] === 'cleared')
      .map(([, fields]) => (JSON.parse(fields[5]!) as { kind: string }).kind);
    expect(opened).toEqual(
      expect.arrayContaining([
        'stale_uptime',
        'error_rate',
        'wan_down',
        'low_signal',
        'unreachable',
        'cell_down',
      ]),
    );
    expect(cleared).toEqual(
      expect.arrayContaining([
        'stale_uptime',
        'error_rate',
        'wan_down',
        'low_signal',
        'unreachable',
        'cell_down',
      ]),
    );
    const states = await createPollerStateStore(redis.redis, redis.keys, 8).load(ids);
    expect(states.size).toBe(ids.length);
    // Each device keeps a short window of its recent polls (capped), newest last.
    const window = viewRecent(states.get(ids[0]!)!.recent);
    expect(window).toHaveLength(RECENT_POINTS);
    expect(window.at(-1)!.uptimeSeconds).toBeGreaterThan(0);
    expect(Date.parse(window.at(-1)!.at)).toBeGreaterThan(Date.parse(window[0]!.at));
  });
});
