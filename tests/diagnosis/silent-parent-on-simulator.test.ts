import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisor } from '../../src/diagnosis/advisor.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import { createSuggestionStore } from '../../src/diagnosis/suggestion-store.js';
import { readEvents } from '../../src/events/event-log.js';
import type { StoredEvent } from '../../src/events/vigil-event.js';
import type { PollService } from '../../src/polling/poll-service.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestAdvisor } from '../helpers/test-advisor.js';
import { createTestPollService } from '../helpers/test-poll-service.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

/**
 * Issue 19 item 2 on the simulator, real SNMP end to end: a base station whose management plane stops
 * answering (every request to it dropped) while its CPEs answer is no outage and sends no notice;
 * the same base station losing power (its CPEs' upstream with it) still is one.
 */
describe('a silent base station over answering CPEs', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: PollService;
  let closeService: () => Promise<void>;
  let advisor: Advisor;
  let catchUp: () => Promise<void>;
  let closeAdvisor: () => void;
  let lastEventId = '0';

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 193, devices: 12, fanout: 11 });
    redis = await createTestRedis();
    const built = await createTestPollService(sim, redis, { timeoutMs: 250, retries: 0 });
    service = built.service;
    closeService = built.close;
    const test = await createTestAdvisor(redis);
    advisor = test.advisor;
    catchUp = test.catchUp;
    closeAdvisor = test.close;
  }, 30_000);

  afterAll(async () => {
    closeAdvisor?.();
    await closeService?.();
    await sim?.close();
    await redis?.close();
  });

  const station = () => sim.devices.find((d) => d.kind === 'base_station')!;
  const all = () => sim.devices.map((d) => d.id);

  async function pollAndStep(count: number) {
    for (let i = 0; i < count; i++) await service.pollDevices(all());
    await catchUp();
    return advisor.step(Date.now());
  }

  async function newEvents(): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for (;;) {
      const batch = await readEvents(redis.redis, redis.keys, lastEventId, 5000);
      if (batch.length === 0) return events;
      events.push(...batch);
      lastEventId = batch.at(-1)!.id;
    }
  }

  async function outageNotices(): Promise<number> {
    const byDevice = await createSuggestionStore(redis.redis, redis.keys).liveFor(all());
    return [...byDevice.values()].flat().filter((s) => s.kind === 'outage_notice').length;
  }

  it('opens no outage and sends no notice while the CPEs answer', { timeout: 30_000 }, async () => {
    const bs = station();
    expect(sim.devices.filter((d) => d.parentIndex === bs.index).length).toBeGreaterThan(5);
    await pollAndStep(1);
    await newEvents();
    sim.addFault(bs.id, 'packet_loss', { percent: 100 });
    await pollAndStep(4);

    const state = await service.pollDevices([bs.id]);
    // Silent to Vigil: detection calls a base station that does not answer base_station_down.
    expect(state[0]!.findings.map((f) => f.kind)).toContain('base_station_down');
    expect(await createIncidentStore(redis.redis, redis.keys).active()).toEqual([]);
    const events = await newEvents();
    expect(events.filter((e) => e.type.startsWith('incident.'))).toEqual([]);
    expect(await outageNotices()).toBe(0);
  });

  it(
    'still opens one outage with notices when the base station takes its CPEs down',
    { timeout: 30_000 },
    async () => {
      const bs = station();
      sim.removeFaults(bs.id);
      sim.addFault(bs.id, 'down');
      await pollAndStep(4);
      const incidents = await createIncidentStore(redis.redis, redis.keys).active();
      expect(incidents.map((i) => [i.id, i.state])).toEqual([[`outage:${bs.id}`, 'open']]);
      expect(await outageNotices()).toBeGreaterThan(0);
    },
  );
});
