import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAcceptedSweeper, type AcceptedSweeper } from '../../src/actions/accepted-sweeper.js';
import { actionJobId } from '../../src/actions/action-queue.js';
import type { ActionRecord } from '../../src/actions/action.js';
import { createActionStore, type AuditEntry } from '../../src/actions/action-store.js';
import { acceptedAction } from '../../src/actions/suggestion-decisions.js';
import { withTransition, type SuggestionRecord } from '../../src/diagnosis/suggestion-record.js';
import { createSuggestionStore } from '../../src/diagnosis/suggestion-store.js';
import { createLogger } from '../../src/platform/logger.js';
import type { SuggestionKind } from '../../src/playbooks/index.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';
import { startInProcessActions, type InProcessActions } from './in-process-actions.js';

const RULES: Record<SuggestionKind, string> = {
  remote_reboot: 'cpe-reboot-stale-or-errors',
  consultation: 'cpe-unreachable-power-cycle',
  outage_notice: 'cpe-outage-notice',
  technician_visit: 'cpe-technician-hardware',
};

/** The in-process sweeper's grace: a sweep is asked for at a time past it, never waited for. */
const GRACE_MS = 2_000;

/**
 * Issue 11: a crash between an accept's compare-and-set and its enqueue left the suggestion `accepted`
 * forever. The inconsistent states are made directly in Redis (the accept's own writes, minus what the
 * crash lost). A real `vigil serve` worker's sweeper, over real BullMQ and the simulator, must finish
 * the job — once; the other cases run the sweeper in this process, sweep by sweep at the time chosen,
 * with the real actions queue and its worker.
 */
describe('accepted suggestions without an action are swept', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let local: InProcessActions;
  let sweeper: AcceptedSweeper;

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 165, devices: 24, fanout: 11 });
    redis = await createTestRedis();
    [service, local] = await Promise.all([
      startTestService(sim, redis.prefix, undefined, {
        VIGIL_ACCEPT_SWEEP_SECONDS: '1',
        VIGIL_ACCEPT_GRACE_SECONDS: '1',
        VIGIL_ACCEPT_EXPIRE_SECONDS: '60',
      }),
      startInProcessActions(sim),
    ]);
    sweeper = createAcceptedSweeper({
      redis: local.redis.redis,
      keys: local.redis.keys,
      queue: local.queue,
      suggestions: createSuggestionStore(local.redis.redis, local.redis.keys),
      actions: local.runner.actions,
      runner: local.runner,
      logger: createLogger({ level: 'silent' }),
      graceMs: GRACE_MS,
      expireMs: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await service?.close();
    await local?.close();
    await sim?.close();
    await redis?.close();
  });

  /** CPEs under different parents, one per test. */
  const cpes = () => {
    const seen = new Set<number>();
    return sim.devices.filter((d) => d.kind === 'cpe' && !seen.has(d.parentIndex) && seen.add(d.parentIndex));
  };
  const suggestions = (on: TestRedis) => createSuggestionStore(on.redis, on.keys);
  const actions = (on: TestRedis) => createActionStore(on.redis, on.keys);

  /** What the accept's compare-and-set wrote (proposed, then accepted), and nothing after it. */
  async function acceptedWithoutAction(
    on: TestRedis,
    deviceId: string,
    kind: SuggestionKind,
    acceptedAt = Date.now(),
  ): Promise<SuggestionRecord> {
    const subscriberIds = sim.fleet.inventory.subscribers
      .filter((s) => s.deviceIds.includes(deviceId))
      .map((s) => s.id);
    const proposed: SuggestionRecord = {
      id: `${deviceId}:${kind}:${deviceId}:stale_uptime:${acceptedAt}`,
      deviceId,
      subscriberIds,
      kind,
      state: 'proposed',
      priority: 2,
      text: { en: 'Reboot the router', ru: 'Перезагрузите роутер' },
      ruleId: RULES[kind],
      rule: { file: 'playbooks/cpe.yaml', line: 26 },
      cause: { findingIds: [] },
      evidence: [],
      createdAt: acceptedAt - 1_000,
      updatedAt: acceptedAt - 1_000,
      version: 1,
      history: [{ at: acceptedAt - 1_000, state: 'proposed', reason: 'test' }],
    };
    expect(await suggestions(on).transition(proposed)).toBe(true);
    const accepted = withTransition(proposed, {
      at: acceptedAt,
      state: 'accepted',
      reason: 'accepted in conversation conv-swept (chat)',
      by: 'agent:a-swept',
      conversationId: 'conv-swept',
    });
    expect(await suggestions(on).transition(accepted)).toBe(true);
    return accepted;
  }

  async function settled(on: TestRedis, suggestionId: string): Promise<SuggestionRecord> {
    return until(
      async () => {
        const record = await suggestions(on).get(suggestionId);
        return record && ['succeeded', 'failed'].includes(record.state) ? record : undefined;
      },
      { timeoutMs: 60_000, everyMs: 100, what: `${suggestionId} settled` },
    );
  }

  async function auditOf(on: TestRedis, actionId: string): Promise<string[]> {
    const trail = await actions(on).readAudit({ limit: 1000 });
    return trail
      .filter((e: AuditEntry) => e.actionId === actionId)
      .map((e) => e.what)
      .reverse();
  }

  /**
   * Waits until the service's sweeper has started `count` more sweeps (each takes the sweep lock with a
   * fresh token); the one before the last has then finished: whatever it would double, it had the chance to.
   */
  async function serviceSweeps(count: number): Promise<void> {
    const lock = redis.keys.acceptedSweepLock();
    const first = await redis.redis.get(lock);
    const fresh = new Set<string>();
    await until(
      async () => {
        const token = await redis.redis.get(lock);
        if (token !== null && token !== first) fresh.add(token);
        return fresh.size >= count;
      },
      { timeoutMs: 30_000, everyMs: 50, what: `${count} more sweeps` },
    );
  }

  const jobsOf = async (queue: Queue, actionId: string) =>
    (await queue.getJobs(['completed', 'waiting', 'delayed', 'active', 'failed'], 0, -1)).filter(
      (j) => (j.data as { actionId: string }).actionId === actionId,
    );

  it(
    'queues the reboot of an accept that crashed before its action: the device reboots once (vigil serve)',
    { timeout: 120_000 },
    async () => {
      const cpe = cpes()[0]!;
      const before = sim.snapshot(cpe.id).reboots;
      const accepted = await acceptedWithoutAction(redis, cpe.id, 'remote_reboot');
      const actionId = acceptedAction(accepted).id;
      expect(await actions(redis).get(actionId)).toBeUndefined();

      const done = await settled(redis, accepted.id);
      expect(done.state).toBe('succeeded');
      const action = (await actions(redis).get(actionId)) as ActionRecord;
      expect(action).toMatchObject({
        state: 'succeeded',
        suggestionId: accepted.id,
        conversationId: 'conv-swept',
        requestedBy: 'agent:a-swept',
      });
      expect(action.setSentAt).toEqual(expect.any(Number));
      await serviceSweeps(2);
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
      expect(await auditOf(redis, actionId)).toEqual([
        'action.swept',
        'action.started',
        'reboot.sent',
        'action.finished',
      ]);
      expect(await redis.redis.zscore(redis.keys.acceptedSuggestions(), accepted.id)).toBeNull();
    },
  );

  it('queues an action whose record was created but whose job was not, once', async () => {
    const cpe = cpes()[1]!;
    const accepted = await acceptedWithoutAction(local.redis, cpe.id, 'consultation');
    const action = acceptedAction(accepted);
    expect(await actions(local.redis).create(action)).toBe(true);
    const later = accepted.updatedAt + GRACE_MS + 1;
    // Within the grace its own request may still be queuing it: left alone.
    expect(await sweeper.sweep(later - 2)).toEqual({ looked: 0, queued: 0, failed: 0 });
    expect(await sweeper.sweep(later)).toEqual({ looked: 1, queued: 1, failed: 0 });

    expect((await settled(local.redis, accepted.id)).state).toBe('succeeded');
    for (const at of [later + 1_000, later + 2_000])
      expect(await sweeper.sweep(at)).toEqual({ looked: 0, queued: 0, failed: 0 });
    expect(await actions(local.redis).get(action.id)).toMatchObject({
      state: 'succeeded',
      outcome: { reason: 'consultation given by agent:a-swept' },
    });
    expect(await auditOf(local.redis, action.id)).toEqual([
      'action.swept',
      'action.started',
      'action.finished',
    ]);
    expect(await jobsOf(local.queue, action.id)).toHaveLength(1);
  });

  it('leaves an accept whose job exists alone: the job runs it, nothing doubles', async () => {
    const cpe = cpes()[1]!;
    const accepted = await acceptedWithoutAction(local.redis, cpe.id, 'outage_notice');
    const action = acceptedAction(accepted);
    expect(await actions(local.redis).create(action)).toBe(true);
    // The job is there but has not run yet (a busy queue), well past the grace.
    const job = await local.queue.add(
      action.kind,
      { actionId: action.id },
      { jobId: actionJobId(action.id), delay: 10 * 60_000 },
    );
    const later = accepted.updatedAt + GRACE_MS + 1;
    expect(await sweeper.sweep(later)).toEqual({ looked: 1, queued: 0, failed: 0 });
    expect(await sweeper.sweep(later + 1_000)).toEqual({ looked: 1, queued: 0, failed: 0 });
    expect(await job.getState()).toBe('delayed');

    await job.promote();
    expect((await settled(local.redis, accepted.id)).state).toBe('succeeded');
    expect(await sweeper.sweep(later + 2_000)).toEqual({ looked: 0, queued: 0, failed: 0 });
    expect(await auditOf(local.redis, action.id)).toEqual(['action.started', 'action.finished']);
    expect(await jobsOf(local.queue, action.id)).toHaveLength(1);
  });

  it('fails an accept too old to run now, with a reason, and never reboots', async () => {
    const cpe = cpes()[0]!;
    const before = sim.snapshot(cpe.id).reboots;
    const now = Date.now();
    const accepted = await acceptedWithoutAction(local.redis, cpe.id, 'remote_reboot', now - 5 * 60_000);
    expect(await sweeper.sweep(now)).toEqual({ looked: 1, queued: 0, failed: 1 });
    const done = await suggestions(local.redis).get(accepted.id);
    expect(done?.state).toBe('failed');
    expect(done?.history.at(-1)?.reason).toMatch(
      /^not run: accepted at .* but never queued; too late to run now/,
    );
    expect(await actions(local.redis).get(acceptedAction(accepted).id)).toMatchObject({
      state: 'failed',
      outcome: { result: 'failed' },
    });
    for (const at of [now + 1_000, now + 2_000])
      expect(await sweeper.sweep(at)).toEqual({ looked: 0, queued: 0, failed: 0 });
    expect(await jobsOf(local.queue, acceptedAction(accepted).id)).toEqual([]);
    expect(sim.snapshot(cpe.id).reboots).toBe(before);
  });
});
