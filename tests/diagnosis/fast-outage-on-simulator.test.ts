import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/correlation/index.js';
import type { Finding } from '../../src/detection/index.js';
import type { Advisor } from '../../src/diagnosis/advisor.js';
import type { FindingsMirror } from '../../src/diagnosis/findings-mirror.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import { createSuggestionStore } from '../../src/diagnosis/suggestion-store.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { PROBE_QUEUE } from '../../src/platform/queue-names.js';
import { OUTAGE_CHECK_JOB } from '../../src/polling/outage-checks.js';
import { createPollerRole, type PollerRole } from '../../src/roles/poller-role.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { ALARM_SUBJECT_OID, ALARM_TRAP_OIDS } from '../../src/snmp/alarm-traps.js';
import { createTestAdvisor } from '../helpers/test-advisor.js';
import { testPollerConfig } from '../helpers/test-poller-config.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { randomPort, startTestSimulator, TEST_COMMUNITY } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

const exec = promisify(execFile);

/**
 * Issue 13 part 3 end to end, real SNMP and real traps, the shipped probes (a base station's poll is
 * 3 attempts 2 s apart) and the production settle time (90 s): a base station's power loss opens its
 * outage well before the settle time, announced by its dying gasp or confirmed by polling it again with
 * a sample of its CPEs; where the root is ambiguous, the settle time still applies.
 */
interface Harness {
  sim: Simulator;
  redis: TestRedis;
  role: PollerRole;
  advisor: Advisor;
  mirror: FindingsMirror;
  catchUp: () => Promise<void>;
  closeAdvisor: () => void;
}

async function startHarness(firstOctet: number, trapPort: number): Promise<Harness> {
  const sim = await startTestSimulator({
    firstOctet,
    devices: 20,
    fanout: 9,
    ...(trapPort > 0 ? { trapTarget: { host: '127.0.0.1', port: trapPort } } : {}),
  });
  const redis = await createTestRedis();
  await createInventoryStore({ redis: redis.redis, keys: redis.keys }).importInventory(sim.fleet.inventory);
  const config = testPollerConfig(redis, trapPort);
  const role = createPollerRole({
    config,
    logger: createLogger({ level: 'silent' }),
    redis: redis.redis,
    keys: redis.keys,
  });
  await role.start();
  const test = await createTestAdvisor(redis, { settleMs: 90_000, resolveAfterMs: 0 });
  return {
    sim,
    redis,
    role,
    advisor: test.advisor,
    mirror: test.mirror,
    catchUp: test.catchUp,
    closeAdvisor: test.close,
  };
}

async function stopHarness(h: Harness | undefined): Promise<void> {
  h?.closeAdvisor();
  await h?.role.close();
  await h?.sim.close();
  await h?.redis.close();
}

/** Steps the advisor (as its role does, every 250 ms at most) until an outage is open at `root`. */
async function openOutageAt(h: Harness, root: string): Promise<Incident> {
  const incidents = createIncidentStore(h.redis.redis, h.redis.keys);
  return until(
    async () => {
      await h.catchUp();
      await h.advisor.step(Date.now());
      return (await incidents.active()).find((i) => i.rootDeviceId === root && i.state === 'open');
    },
    { timeoutMs: 45_000, everyMs: 250, what: `an open outage at ${root}` },
  );
}

async function outageNotices(h: Harness): Promise<number> {
  const live = await createSuggestionStore(h.redis.redis, h.redis.keys).liveFor(
    h.sim.devices.map((d) => d.id),
  );
  return [...live.values()].flat().filter((s) => s.kind === 'outage_notice').length;
}

const parentOfKind = (sim: Simulator, kind: 'base_station' | 'access_node') =>
  sim.devices.find((d) => d.kind === kind)!;
const childrenOf = (sim: Simulator, parentIndex: number) =>
  sim.devices.filter((d) => d.parentIndex === parentIndex);

describe('with traps', () => {
  let h: Harness;
  const trapPort = randomPort();

  beforeAll(async () => {
    h = await startHarness(205, trapPort);
  }, 30_000);
  afterAll(() => stopHarness(h));

  function sendAlarm(fromHost: string, alarm: keyof typeof ALARM_TRAP_OIDS, subject: string) {
    return exec(
      'snmptrap',
      [
        '-v2c',
        '-c',
        TEST_COMMUNITY,
        `--clientaddr=${fromHost}`,
        `127.0.0.1:${trapPort}`,
        '',
        ALARM_TRAP_OIDS[alarm],
        ALARM_SUBJECT_OID,
        's',
        subject,
      ],
      { env: { ...process.env, MIBS: '' } },
    );
  }

  it('ignores an alarm that names a device not below its sender', { timeout: 30_000 }, async () => {
    const an = parentOfKind(h.sim, 'access_node');
    const stranger = childrenOf(h.sim, parentOfKind(h.sim, 'base_station').index)[0]!;
    await sendAlarm(an.host, 'loss_of_signal', stranger.id);
    const field = 'vigil_trap_announcements_total{outcome="subject_not_below_sender"}';
    await until(async () => (await h.redis.redis.hget(h.redis.keys.metricCounters(), field)) !== null, {
      what: 'the ignored alarm counted',
    });
    await h.catchUp();
    expect(h.mirror.byDevice.get(stranger.id) ?? []).toEqual([]);
  });

  it(
    "makes a CPE unreachable at once on its access node's loss of signal, its siblings untouched",
    { timeout: 30_000 },
    async () => {
      const an = parentOfKind(h.sim, 'access_node');
      const [cpe, sibling] = childrenOf(h.sim, an.index);
      h.sim.addFault(cpe!.id, 'down');
      const finding = await until(
        async () => {
          await h.catchUp();
          return h.mirror.byDevice.get(cpe!.id)?.find((f) => f.kind === 'unreachable');
        },
        { timeoutMs: 15_000, what: `${cpe!.id} unreachable` },
      );
      expect(finding.evidence.summary).toBe(`loss of signal reported by ${an.id}`);
      expect(h.mirror.byDevice.get(sibling!.id) ?? []).toEqual([]);
    },
  );

  it(
    'takes a forged dying gasp back at the next answer, announces a device once a minute, and opens no outage',
    { timeout: 30_000 },
    async () => {
      const an = parentOfKind(h.sim, 'access_node');
      await sendAlarm(an.host, 'dying_gasp', an.id);
      // A second later: within the same second the trap port drops it as a copy before any announcing.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await sendAlarm(an.host, 'dying_gasp', an.id);
      const counters = () => h.redis.redis.hgetall(h.redis.keys.metricCounters());
      await until(
        async () => (await counters())['vigil_trap_announcements_total{outcome="too_soon"}'] === '1',
        {
          what: 'the repeated trap refused',
        },
      );
      // The trap's own re-poll answers: the access node is reachable again, its finding cleared.
      await until(
        async () => {
          await h.catchUp();
          return !(h.mirror.byDevice.get(an.id) ?? []).some((f) => f.kind === 'unreachable');
        },
        { timeoutMs: 15_000, what: `${an.id} back after the forged trap` },
      );
      await h.advisor.step(Date.now());
      const active = await createIncidentStore(h.redis.redis, h.redis.keys).active();
      expect(active.filter((i) => i.rootDeviceId === an.id && i.state === 'open')).toEqual([]);
    },
  );

  it("opens an access node's wan_down at once on its linkDown trap", { timeout: 30_000 }, async () => {
    const an = parentOfKind(h.sim, 'access_node');
    h.sim.addFault(an.id, 'wan_down');
    const opened = await until(
      async () => {
        const entries = await h.redis.redis.xrange(h.redis.keys.findingEvents(), '-', '+');
        return entries
          .map(([, fields]) => JSON.parse(fields[fields.indexOf('finding') + 1] ?? '{}') as Finding)
          .find((f) => f.deviceId === an.id && f.kind === 'wan_down');
      },
      { timeoutMs: 15_000, what: `wan_down on ${an.id}` },
    );
    // Opened by the trap itself (the polls it pulled forward would have said "admin up, oper down").
    expect(opened.evidence.values).toMatchObject({ ifIndex: '1', interface: 'uplink0', reportedBy: an.id });
    h.sim.removeFaults(an.id);
  });

  it(
    'opens a base station outage on its dying gasp, with notices, long before the settle time',
    { timeout: 60_000 },
    async () => {
      const bs = parentOfKind(h.sim, 'base_station');
      h.sim.addFault(bs.id, 'down');
      const incident = await openOutageAt(h, bs.id);
      expect(incident.cause).toBe('parent_down');
      // The station's own finding was opened by the trap (the polls since reword it as they fail).
      const announced = await h.redis.redis.hget(
        h.redis.keys.metricCounters(),
        'vigil_trap_announcements_total{outcome="announced"}',
      );
      expect(Number(announced)).toBe(4);
      expect(incident.affectedSubscriberIds.length).toBe(childrenOf(h.sim, bs.index).length);
      await until(
        async () => {
          await h.catchUp();
          await h.advisor.step(Date.now());
          return (await outageNotices(h)) > 0;
        },
        { what: 'outage notices' },
      );
    },
  );
});

describe('by polling alone (no traps)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(206, 0);
  }, 30_000);
  afterAll(() => stopHarness(h));

  async function probeNow(deviceId: string): Promise<void> {
    const queue = new Queue(PROBE_QUEUE, {
      connection: h.redis.redis,
      prefix: h.redis.keys.bullPrefix(PROBE_QUEUE),
    });
    try {
      await queue.add('probe', { deviceId, cause: 'test' });
    } finally {
      await queue.close();
    }
  }

  async function checkRounds(parentId: string) {
    const queue = new Queue(PROBE_QUEUE, {
      connection: h.redis.redis,
      prefix: h.redis.keys.bullPrefix(PROBE_QUEUE),
    });
    try {
      const jobs = await queue.getJobs(['completed'], 0, -1);
      return jobs
        .filter((j) => j.name === OUTAGE_CHECK_JOB && (j.data as { parentId: string }).parentId === parentId)
        .map((j) => j.returnvalue as { confirms: boolean; asked: number; silent: number });
    } finally {
      await queue.close();
    }
  }

  it(
    'does not confirm a parent silent over answering children: no outage opens before the settle time',
    { timeout: 45_000 },
    async () => {
      const an = parentOfKind(h.sim, 'access_node');
      // Its management plane filtered: every request to it dropped, its CPEs served as usual.
      h.sim.addFault(an.id, 'packet_loss', { percent: 100 });
      await probeNow(an.id);
      const [round] = await until(
        async () => {
          const rounds = await checkRounds(an.id);
          return rounds.length > 0 ? rounds : undefined;
        },
        { timeoutMs: 30_000, what: `the outage check of ${an.id}` },
      );
      expect(round).toMatchObject({ confirms: false, asked: 5, silent: 0 });
      await h.catchUp();
      await h.advisor.step(Date.now());
      const open = (await createIncidentStore(h.redis.redis, h.redis.keys).active()).filter(
        (i) => i.state === 'open',
      );
      expect(open).toEqual([]);
    },
  );

  it(
    'polls a failing base station again with a sample of its CPEs, and opens its outage without settling',
    { timeout: 60_000 },
    async () => {
      const bs = parentOfKind(h.sim, 'base_station');
      h.sim.addFault(bs.id, 'down');
      await probeNow(bs.id);
      const incident = await openOutageAt(h, bs.id);
      expect(incident.affectedSubscriberIds.length).toBe(childrenOf(h.sim, bs.index).length);
      const rounds = await checkRounds(bs.id);
      expect(rounds).toHaveLength(2);
      expect(rounds.every((r) => r.confirms && r.asked === 5 && r.silent === 5)).toBe(true);
    },
  );
});
