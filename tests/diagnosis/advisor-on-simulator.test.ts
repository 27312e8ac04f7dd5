import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisor } from '../../src/diagnosis/advisor.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import { createSuggestionStore } from '../../src/diagnosis/suggestion-store.js';
import type { SuggestionRecord } from '../../src/diagnosis/suggestion-record.js';
import { readEvents } from '../../src/events/event-log.js';
import type { StoredEvent } from '../../src/events/vigil-event.js';
import type { PollService } from '../../src/polling/poll-service.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestAdvisor } from '../helpers/test-advisor.js';
import { createTestPollService } from '../helpers/test-poll-service.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { sleep, until } from '../helpers/wait.js';

const HOUR = 3_600_000;

/**
 * Issue 4's acceptance on the simulator: real SNMP polls, real detection, the advisor correlating and
 * planning with the shipped playbooks into a real Redis. A base station with 500 CPEs behind it, and an
 * access node whose CPEs carry single-device faults.
 */
describe('advisor on the simulator: outages, reboots, technicians, consultations', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: PollService;
  let closeService: () => Promise<void>;
  let advisor: Advisor;
  let catchUp: () => Promise<void>;
  let closeAdvisor: () => void;
  let lastEventId = '0';

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 179, devices: 1002, fanout: 500 });
    redis = await createTestRedis();
    // A second chance, a second apart, for a late answer: a loaded machine must not make a healthy
    // router look silent. Every device in flight at once, so 500 silent ones cost one wait, not four.
    const built = await createTestPollService(sim, redis, {
      timeoutMs: 1_000,
      retries: 1,
      concurrency: 1_024,
    });
    service = built.service;
    closeService = built.close;
    const test = await createTestAdvisor(redis);
    advisor = test.advisor;
    catchUp = test.catchUp;
    closeAdvisor = test.close;
  }, 60_000);

  afterAll(async () => {
    closeAdvisor?.();
    await closeService?.();
    await sim?.close();
    await redis?.close();
  });

  const station = () => sim.devices.find((d) => d.kind === 'base_station')!;
  const accessNode = () => sim.devices.find((d) => d.kind === 'access_node')!;
  const childrenOf = (parent: { index: number }) => sim.devices.filter((d) => d.parentIndex === parent.index);
  const subscribersOf = (deviceIds: string[]) =>
    sim.fleet.inventory.subscribers
      .filter((s) => s.deviceIds.some((id) => deviceIds.includes(id)))
      .map((s) => s.id)
      .sort();

  /** Polls the devices `count` times 300 ms apart (counters grow into rates), then lets the advisor step. */
  async function pollAndStep(ids: string[], count: number, now?: number) {
    for (let i = 0; i < count; i++) {
      if (i > 0) await sleep(300);
      await service.pollDevices(ids);
    }
    await catchUp();
    return advisor.step(now ?? Date.now());
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

  async function live(deviceIds: string[]): Promise<SuggestionRecord[]> {
    const byDevice = await createSuggestionStore(redis.redis, redis.keys).liveFor(deviceIds);
    return [...byDevice.values()].flat();
  }

  it('a healthy fleet: no incident, no suggestion, no event', async () => {
    await pollAndStep(
      sim.devices.map((d) => d.id),
      2,
    );
    expect(await createIncidentStore(redis.redis, redis.keys).active()).toEqual([]);
    expect(await newEvents()).toEqual([]);
    // Generous: two polls of 1,002 devices share the machine with every other test file.
  }, 90_000);

  it(
    'a base station down with 500 CPEs: one outage, every subscriber listed, one outage notice each and nothing else; back up: resolved and withdrawn',
    { timeout: 60_000 },
    async () => {
      const bs = station();
      const cpes = childrenOf(bs).map((d) => d.id);
      expect(cpes.length).toBe(500);
      const ids = [bs.id, ...cpes];
      sim.addFault(bs.id, 'down');
      await pollAndStep(ids, 3);

      const incidents = await createIncidentStore(redis.redis, redis.keys).active();
      expect(incidents.map((i) => [i.id, i.kind, i.state])).toEqual([['outage:' + bs.id, 'outage', 'open']]);
      expect(incidents[0]!.affectedSubscriberIds).toEqual(subscribersOf(cpes));
      expect(incidents[0]!.affectedDeviceIds).toEqual([bs.id, ...cpes].sort());

      const during = await live(cpes);
      expect(during.length).toBe(500);
      expect(new Set(during.map((s) => s.kind))).toEqual(new Set(['outage_notice']));
      expect(new Set(during.map((s) => s.deviceId))).toEqual(new Set(cpes));
      expect(during[0]!.text.en).toContain(`outage:${bs.id}`);
      expect(during[0]!.text.ru).toContain('Авария');

      const opened = await newEvents();
      expect(opened.filter((e) => e.type === 'incident.opened').length).toBe(1);
      expect(opened.filter((e) => e.type === 'incident.opened')[0]!.subscriberIds).toEqual(
        subscribersOf(cpes),
      );
      const created = opened.filter((e) => e.type === 'suggestion.created');
      expect(created.length).toBe(500);
      expect(created.every((e) => (e.data as SuggestionRecord).kind === 'outage_notice')).toBe(true);

      // Still down a step later: nothing new announced, no per-CPE advice creeps in.
      await pollAndStep(ids, 1);
      expect((await newEvents()).filter((e) => e.type !== 'incident.updated')).toEqual([]);

      sim.removeFaults(bs.id);
      await pollAndStep(ids, 3);
      expect(await createIncidentStore(redis.redis, redis.keys).active()).toEqual([]);
      const after = await newEvents();
      expect(
        after.filter((e) => e.type === 'incident.resolved').map((e) => (e.data as { id: string }).id),
      ).toEqual([`outage:${bs.id}`]);
      expect(after.filter((e) => e.type === 'suggestion.withdrawn').length).toBe(500);
      expect(after.filter((e) => e.type === 'suggestion.created')).toEqual([]);
      expect(await live(cpes)).toEqual([]);
    },
  );

  it(
    'a CPE up 40 days with rising line errors: remote_reboot with the numbers in both languages',
    { timeout: 30_000 },
    async () => {
      const cpe = childrenOf(accessNode())[0]!;
      sim.addFault(cpe.id, 'stale_uptime', { days: 40 });
      sim.addFault(cpe.id, 'line_errors', { perHour: 36_000 });
      await pollAndStep([cpe.id], 4);
      sim.removeFaults(cpe.id);
      const [suggestion] = await live([cpe.id]);
      expect(suggestion?.kind).toBe('remote_reboot');
      expect(suggestion?.state).toBe('proposed');
      const days = Number(/up (\d+) days/.exec(suggestion!.text.en)?.[1]);
      expect(days).toBeGreaterThanOrEqual(40);
      expect(suggestion!.text.en).toMatch(/\d[\d.,]* errors\/h on /);
      expect(suggestion!.text.ru).toContain(`${days} дн.`);
      const created = (await newEvents()).filter((e) => e.type === 'suggestion.created');
      expect(created.map((e) => [(e.data as SuggestionRecord).kind, e.subscriberIds])).toEqual([
        ['remote_reboot', subscribersOf([cpe.id])],
      ]);
    },
  );

  it('a CPE in a reboot loop: technician_visit, never a reboot', { timeout: 40_000 }, async () => {
    const cpe = childrenOf(accessNode())[1]!;
    await service.pollDevices([cpe.id]);
    sim.addFault(cpe.id, 'reboot_loop', { periodSeconds: 5 });
    const proposed = new Set<string>();
    const kinds = await until(
      async () => {
        await pollAndStep([cpe.id], 1);
        const now = (await live([cpe.id])).map((s) => s.kind);
        for (const kind of now) proposed.add(kind);
        return now.includes('technician_visit') && now;
      },
      { timeoutMs: 25_000, everyMs: 600, what: 'a technician_visit for the looping CPE' },
    ).finally(() => sim.removeFaults(cpe.id));
    expect(kinds).toEqual(['technician_visit']);
    expect([...proposed]).not.toContain('remote_reboot');
    const visit = (await live([cpe.id]))[0]!;
    expect(visit.text.en).toMatch(/rebooted \d+ times in \d+ s/);
    await newEvents();
  });

  it(
    'an unreachable CPE whose neighbours answer: consultation (power-cycle), then a technician after an hour',
    { timeout: 30_000 },
    async () => {
      const cpe = childrenOf(accessNode())[2]!;
      sim.addFault(cpe.id, 'down');
      await pollAndStep([cpe.id], 3);
      expect(await createIncidentStore(redis.redis, redis.keys).active()).toEqual([]);
      const first = await live([cpe.id]);
      expect(first.map((s) => s.kind)).toEqual(['consultation']);
      expect(first[0]!.text.en).toMatch(/unplug it for 30 seconds/);

      // The same finding an hour later (the advisor's clock moved on): the visit takes over, the consultation is withdrawn.
      advisor.touch([cpe.id]);
      await advisor.step(Date.now() + HOUR + 60_000);
      sim.removeFaults(cpe.id);
      const later = await live([cpe.id]);
      expect(later.map((s) => s.kind)).toEqual(['technician_visit']);
      expect(later[0]!.text.en).toMatch(/has not answered for \d+ min/);
      const events = await newEvents();
      const withdrawn = events
        .filter((e) => e.type === 'suggestion.withdrawn')
        .map((e) => e.data as SuggestionRecord);
      expect(withdrawn.map((s) => s.kind)).toEqual(['consultation']);
      const stored = await createSuggestionStore(redis.redis, redis.keys).get(withdrawn[0]!.id);
      expect(stored?.state).toBe('withdrawn');
      expect(stored?.history.at(-1)?.reason).toMatch(/^inhibited by .*technician_visit/);
    },
  );
});
