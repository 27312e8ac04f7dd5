import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRunner } from '../../src/actions/action-runner.js';
import type { ActionRecord } from '../../src/actions/action.js';
import type { ProbeClient } from '../../src/actions/probe-client.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadPlaybooksOrThrow } from '../../src/diagnosis/load-playbooks.js';
import { createLogger } from '../../src/platform/logger.js';
import { createRedisKeys } from '../../src/platform/redis-keys.js';
import { loadProbes } from '../../src/probes/load-probes.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { actionFinished, type ActionView } from './action-finished.js';
import { sleep, until } from '../helpers/wait.js';

type Action = ActionView;
interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}
interface AuditItem {
  what: string;
  by: string;
  actionId?: string;
  detail?: string;
}

/** NOC's direct reboot through the public API: `vigil serve` against the simulator over real SNMP. */
// Concurrent: each test has devices of its own (under parents of their own where it reboots).
describe.concurrent('NOC reboot: POST /v1/devices/{id}/reboot', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 186, devices: 30, fanout: 9 });
    redis = await createTestRedis();
    service = await startTestService(sim, redis.prefix);
  }, 90_000);

  afterAll(async () => {
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  /** CPEs under different parents, so one test's reboot never counts against another's parent. */
  const spreadCpes = () => {
    const seen = new Set<number>();
    return sim.devices.filter((d) => d.kind === 'cpe' && !seen.has(d.parentIndex) && seen.add(d.parentIndex));
  };

  /** CPEs no other test here reboots or takes down. */
  const spareCpes = () => {
    const used = spreadCpes().map((d) => d.id);
    return sim.devices.filter((d) => d.kind === 'cpe' && !used.includes(d.id));
  };

  const reboot = (deviceId: string, key: 'agent' | 'noc' | 'admin' = 'noc') =>
    service.api<Action & Problem>('POST', `/v1/devices/${encodeURIComponent(deviceId)}/reboot`, key);

  const finished = (actionId: string): Promise<Action> => actionFinished(service, actionId, 60_000);

  async function auditOf(deviceId: string): Promise<AuditItem[]> {
    const { status, body } = await service.api<{ items: AuditItem[] }>(
      'GET',
      `/v1/audit?deviceId=${encodeURIComponent(deviceId)}`,
      'noc',
    );
    expect(status).toBe(200);
    return body.items.slice().reverse();
  }

  /**
   * Asks the service's pollers for polls of the device, one after another rather than on their schedule,
   * until its findings as the diagnosis shows them satisfy `done`.
   */
  async function findingsOf(deviceId: string, done: (kinds: string[]) => boolean): Promise<string[]> {
    const path = `/v1/devices/${encodeURIComponent(deviceId)}`;
    return until(
      async () => {
        expect((await service.api('POST', `${path}/probe`, 'noc')).status).toBe(200);
        const { status, body } = await service.api<{ findings: { kind: string }[] }>(
          'GET',
          `${path}/diagnosis`,
          'noc',
        );
        expect(status).toBe(200);
        const kinds = body.findings.map((f) => f.kind);
        return done(kinds) ? kinds : undefined;
      },
      // Polls back to back would read error counters over a few milliseconds, where a line with ten
      // errors a second shows none: a rate wants a window, so they go most of a second apart.
      { timeoutMs: 45_000, everyMs: 750, what: `${deviceId}'s findings` },
    );
  }

  it(
    'reboots the device once, verifies it, audits it; a second reboot right after is refused by the cooldown',
    { timeout: 120_000 },
    async () => {
      const cpe = spreadCpes()[0]!;
      const before = sim.snapshot(cpe.id).reboots;
      const asked = await reboot(cpe.id);
      expect(asked.status).toBe(202);
      expect(asked.body).toMatchObject({ kind: 'remote_reboot', deviceId: cpe.id, state: 'queued' });
      expect(asked.body.id).toMatch(new RegExp(`^noc-reboot:${cpe.id}:\\d+$`));
      expect(asked.body.requestedBy).toMatch(/^noc:/);
      expect(asked.body.requestedBy).not.toContain(service.keys.noc);

      const done = await finished(asked.body.id);
      expect(done).toMatchObject({ state: 'succeeded', outcome: { result: 'succeeded' } });
      expect(done.outcome!.reason).toMatch(/^back after \d+ s with uptime \d+ s/);
      expect(done.setSentAt).toEqual(expect.any(String));
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);

      const trail = (await auditOf(cpe.id)).filter((e) => e.actionId === asked.body.id);
      expect(trail.map((e) => e.what)).toEqual([
        'reboot.requested',
        'action.started',
        'reboot.sent',
        'action.finished',
      ]);
      expect(new Set(trail.map((e) => e.by))).toEqual(new Set([asked.body.requestedBy]));

      const again = await reboot(cpe.id);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ERR_REBOOT_CONFLICT');
      expect(again.body.detail).toMatch(/cooldown/);
      expect(again.body.errors?.map((e) => e.path)).toEqual(['cooldown']);
      // Refused before anything was queued: no action, no second reboot.
      expect((await auditOf(cpe.id)).filter((e) => e.what === 'reboot.requested')).toHaveLength(1);
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
    },
  );

  it(
    'reboots asked for at the same moment reboot the device once: the others are refused by the cooldown',
    { timeout: 120_000 },
    async () => {
      const cpe = spreadCpes()[1]!;
      const before = sim.snapshot(cpe.id).reboots;
      // A few milliseconds apart, so most are separate actions (ids are by the millisecond), most asked
      // before the first one's SET goes out; whichever way they interleave, one reboot.
      const asked = await Promise.all(
        [0, 0, 1, 1, 2, 2, 3, 3].map((ms) => sleep(ms).then(() => reboot(cpe.id))),
      );
      for (const refused of asked.filter((r) => r.status !== 202))
        expect(refused).toMatchObject({ status: 409, body: { code: 'ERR_REBOOT_CONFLICT' } });
      // Two asked in the same millisecond are one action.
      const ids = [...new Set(asked.filter((r) => r.status === 202).map((r) => r.body.id))];
      expect(ids.length).toBeGreaterThan(0);
      const outcomes = await Promise.all(ids.map((id) => finished(id)));
      expect(outcomes.filter((a) => a.state === 'succeeded')).toHaveLength(1);
      expect(outcomes.filter((a) => a.setSentAt !== undefined)).toHaveLength(1);
      // They passed the guards at the API; those that lost the race say why they did not reboot.
      for (const loser of outcomes.filter((a) => a.state !== 'succeeded'))
        expect(loser.outcome?.reason).toMatch(/^not rebooted: cooldown/);
      const sent = (await auditOf(cpe.id)).filter((e) => e.what === 'reboot.sent');
      expect(sent).toHaveLength(1);
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
    },
  );

  it(
    'two reboot actions of one device run by two workers at once: one SET, the other refused by the cooldown',
    { timeout: 60_000 },
    async () => {
      // The runner in this process, on the service's Redis, racing itself deterministically: both runs
      // read the guards before either claims the SET (the API cannot hold two requests that close).
      const cpe = spareCpes()[1]!;
      const before = sim.snapshot(cpe.id).reboots;
      const config = loadConfig(service.env);
      const keys = createRedisKeys(redis.prefix, config.pollShards);
      const loaded = await loadProbes(config.probesDir);
      if ('errors' in loaded) throw new Error(JSON.stringify(loaded.errors));
      // Verification asks the pollers for fresh polls; their stored state is enough here.
      const prober: ProbeClient = { probe: () => Promise.resolve(null), close: () => Promise.resolve() };
      const runner = createActionRunner({
        config,
        redis: redis.redis,
        keys,
        logger: createLogger({ level: 'silent' }),
        playbooks: await loadPlaybooksOrThrow(config.playbooksDir),
        probes: loaded.probes,
        prober,
        checkEveryMs: 100,
        verifyPollEveryMs: 100,
      });
      const now = Date.now();
      const actions: ActionRecord[] = ['a', 'b'].map((n) => ({
        id: `noc-reboot:${cpe.id}:${now}-${n}`,
        kind: 'remote_reboot',
        deviceId: cpe.id,
        subscriberIds: [],
        requestedBy: `noc:race-${n}`,
        requestedAt: now,
        state: 'queued',
      }));
      for (const action of actions) expect(await runner.actions.create(action)).toBe(true);
      const outcomes = await Promise.all(actions.map((a) => runner.run(a.id)));
      expect(outcomes.map((a) => a?.state).sort()).toEqual(['failed', 'succeeded']);
      const loser = outcomes.find((a) => a?.state === 'failed')!;
      expect(loser.setSentAt).toBeUndefined();
      expect(loser.outcome?.reason).toMatch(/^not rebooted: cooldown/);
      const sent = (await auditOf(cpe.id)).filter((e) => e.what === 'reboot.sent');
      expect(sent.map((e) => e.actionId)).toEqual([outcomes.find((a) => a?.state === 'succeeded')!.id]);
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
    },
  );

  it(
    'a reboot that does not cure what the device had is failed, with a technician visit to follow',
    { timeout: 120_000 },
    async () => {
      // NOC's reboot has no suggestion behind it: what it should cure is what the device had open.
      const cpe = spareCpes()[2]!;
      sim.addFault(cpe.id, 'line_errors', { perHour: 36_000, persistent: true });
      try {
        await findingsOf(cpe.id, (kinds) => kinds.includes('error_rate'));
        const asked = await reboot(cpe.id);
        expect(asked.status).toBe(202);
        const done = (await finished(asked.body.id)) as ActionView & { causeFindingIds?: string[] };
        expect(done.causeFindingIds).toEqual(
          expect.arrayContaining([expect.stringMatching(`^${cpe.id}:error_rate`)]),
        );
        expect(done).toMatchObject({
          state: 'failed',
          outcome: { result: 'failed', findingCleared: false, escalation: 'technician_visit' },
        });
        expect(done.outcome!.reason).toMatch(/, but error_rate persists$/);
      } finally {
        sim.removeFaults(cpe.id);
      }
    },
  );

  it('refuses a device that does not answer: the reachable guard', { timeout: 90_000 }, async () => {
    const cpe = spreadCpes()[2]!;
    const before = sim.snapshot(cpe.id).reboots;
    sim.addFault(cpe.id, 'down');
    try {
      await findingsOf(cpe.id, (kinds) => kinds.includes('unreachable'));
      const refused = await reboot(cpe.id);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('ERR_REBOOT_CONFLICT');
      expect(refused.body.errors?.map((e) => e.path)).toContain('reachable');
      expect(refused.body.errors?.find((e) => e.path === 'reachable')?.message).toMatch(/does not answer/);
      expect(refused.body.detail).toContain(cpe.id);
      expect((await auditOf(cpe.id)).filter((e) => e.what === 'reboot.requested')).toEqual([]);
    } finally {
      sim.removeFaults(cpe.id);
    }
    expect(sim.snapshot(cpe.id).reboots).toBe(before);
  });

  it('is for NOC only, and answers an unknown device or action with 404', async () => {
    const cpe = spareCpes()[0]!;
    const before = sim.snapshot(cpe.id).reboots;
    const agent = await reboot(cpe.id, 'agent');
    expect(agent.status).toBe(403);
    expect((await service.api('GET', '/v1/actions/x', 'agent')).status).toBe(403);
    expect((await service.api('GET', '/v1/audit', 'agent')).status).toBe(403);
    expect((await fetch(`${service.url}/v1/devices/${cpe.id}/reboot`, { method: 'POST' })).status).toBe(401);
    expect((await auditOf(cpe.id)).filter((e) => e.what === 'reboot.requested')).toEqual([]);
    expect(sim.snapshot(cpe.id).reboots).toBe(before);

    const unknown = await reboot('cpe-does-not-exist');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ERR_DEVICE_NOT_FOUND');
    const noAction = await service.api<Problem>('GET', '/v1/actions/noc-reboot%3Anone%3A1', 'noc');
    expect(noAction.status).toBe(404);
    expect(noAction.body.code).toBe('ERR_ACTION_NOT_FOUND');
  });
});
