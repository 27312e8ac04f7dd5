import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionJobId, ACTIONS_QUEUE } from '../../src/actions/action-queue.js';
import type { ActionRecord } from '../../src/actions/action.js';
import { createActionStore, type AuditEntry } from '../../src/actions/action-store.js';
import { acceptedAction } from '../../src/actions/suggestion-decisions.js';
import { withTransition, type SuggestionRecord } from '../../src/diagnosis/suggestion-record.js';
import { createSuggestionStore } from '../../src/diagnosis/suggestion-store.js';
import type { SuggestionKind } from '../../src/playbooks/index.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const RULES: Record<SuggestionKind, string> = {
  remote_reboot: 'cpe-reboot-stale-or-errors',
  consultation: 'cpe-unreachable-power-cycle',
  outage_notice: 'cpe-outage-notice',
  technician_visit: 'cpe-technician-hardware',
};

/**
 * Issue 11: a crash between an accept's compare-and-set and its enqueue left the suggestion `accepted`
 * forever. The inconsistent states are made directly in Redis (the accept's own writes, minus what the
 * crash lost); a real `vigil serve` worker's sweeper, over real BullMQ and the simulator, must finish
 * the job — once.
 */
describe('accepted suggestions without an action are swept', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let queue: Queue;

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 165, devices: 24, fanout: 11 });
    redis = await createTestRedis();
    service = await startTestService(sim, redis.prefix, undefined, {
      VIGIL_ACCEPT_SWEEP_SECONDS: '1',
      VIGIL_ACCEPT_GRACE_SECONDS: '2',
      VIGIL_ACCEPT_EXPIRE_SECONDS: '60',
    });
    queue = new Queue(ACTIONS_QUEUE, {
      connection: redis.redis.duplicate(),
      prefix: redis.keys.bullPrefix(),
    });
  }, 90_000);

  afterAll(async () => {
    await queue?.close();
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  /** CPEs under different parents, one per test. */
  const cpes = () => {
    const seen = new Set<number>();
    return sim.devices.filter((d) => d.kind === 'cpe' && !seen.has(d.parentIndex) && seen.add(d.parentIndex));
  };
  const suggestions = () => createSuggestionStore(redis.redis, redis.keys);
  const actions = () => createActionStore(redis.redis, redis.keys);

  /** What the accept's compare-and-set wrote (proposed, then accepted), and nothing after it. */
  async function acceptedWithoutAction(
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
    expect(await suggestions().transition(proposed)).toBe(true);
    const accepted = withTransition(proposed, {
      at: acceptedAt,
      state: 'accepted',
      reason: 'accepted in conversation conv-swept (chat)',
      by: 'agent:a-swept',
      conversationId: 'conv-swept',
    });
    expect(await suggestions().transition(accepted)).toBe(true);
    return accepted;
  }

  async function settled(suggestionId: string, timeoutMs = 60_000): Promise<SuggestionRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = await suggestions().get(suggestionId);
      if (record && ['succeeded', 'failed'].includes(record.state)) return record;
      if (Date.now() > deadline) throw new Error(`${suggestionId} still ${record?.state}`);
      await sleep(250);
    }
  }

  async function auditOf(actionId: string): Promise<string[]> {
    const trail = await actions().readAudit({ limit: 1000 });
    return trail
      .filter((e: AuditEntry) => e.actionId === actionId)
      .map((e) => e.what)
      .reverse();
  }

  /** A few sweeps more: whatever they would double, they have had the chance to. */
  const moreSweeps = () => sleep(3_500);

  it(
    'queues the reboot of an accept that crashed before its action: the device reboots once',
    { timeout: 120_000 },
    async () => {
      const cpe = cpes()[0]!;
      const before = sim.snapshot(cpe.id).reboots;
      const accepted = await acceptedWithoutAction(cpe.id, 'remote_reboot');
      const actionId = acceptedAction(accepted).id;
      expect(await actions().get(actionId)).toBeUndefined();

      const done = await settled(accepted.id);
      expect(done.state).toBe('succeeded');
      const action = (await actions().get(actionId)) as ActionRecord;
      expect(action).toMatchObject({
        state: 'succeeded',
        suggestionId: accepted.id,
        conversationId: 'conv-swept',
        requestedBy: 'agent:a-swept',
      });
      expect(action.setSentAt).toEqual(expect.any(Number));
      await moreSweeps();
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
      expect(await auditOf(actionId)).toEqual([
        'action.swept',
        'action.started',
        'reboot.sent',
        'action.finished',
      ]);
      expect(await redis.redis.zscore(redis.keys.acceptedSuggestions(), accepted.id)).toBeNull();
    },
  );

  it(
    'queues an action whose record was created but whose job was not, once',
    { timeout: 60_000 },
    async () => {
      const cpe = cpes()[1]!;
      const accepted = await acceptedWithoutAction(cpe.id, 'consultation');
      const action = acceptedAction(accepted);
      expect(await actions().create(action)).toBe(true);

      expect((await settled(accepted.id)).state).toBe('succeeded');
      await moreSweeps();
      expect(await actions().get(action.id)).toMatchObject({
        state: 'succeeded',
        outcome: { reason: 'consultation given by agent:a-swept' },
      });
      expect(await auditOf(action.id)).toEqual(['action.swept', 'action.started', 'action.finished']);
    },
  );

  it(
    'leaves an accept whose job exists alone: the job runs it, nothing doubles',
    { timeout: 60_000 },
    async () => {
      const cpe = cpes()[1]!;
      const accepted = await acceptedWithoutAction(cpe.id, 'outage_notice');
      const action = acceptedAction(accepted);
      expect(await actions().create(action)).toBe(true);
      // The job is there but has not run yet (a busy queue), well past the grace.
      await queue.add(action.kind, { actionId: action.id }, { jobId: actionJobId(action.id), delay: 4_000 });

      expect((await settled(accepted.id)).state).toBe('succeeded');
      await moreSweeps();
      expect(await auditOf(action.id)).toEqual(['action.started', 'action.finished']);
      const jobs = await queue.getJobs(['completed', 'waiting', 'delayed', 'active', 'failed'], 0, -1);
      expect(jobs.filter((j) => (j.data as { actionId: string }).actionId === action.id)).toHaveLength(1);
    },
  );

  it(
    'fails an accept too old to run now, with a reason, and never reboots',
    { timeout: 60_000 },
    async () => {
      const cpe = cpes()[0]!;
      const before = sim.snapshot(cpe.id).reboots;
      const accepted = await acceptedWithoutAction(cpe.id, 'remote_reboot', Date.now() - 5 * 60_000);
      const done = await settled(accepted.id);
      expect(done.state).toBe('failed');
      expect(done.history.at(-1)?.reason).toMatch(
        /^not run: accepted at .* but never queued; too late to run now/,
      );
      expect(await actions().get(acceptedAction(accepted).id)).toMatchObject({
        state: 'failed',
        outcome: { result: 'failed' },
      });
      await moreSweeps();
      expect(sim.snapshot(cpe.id).reboots).toBe(before);
    },
  );
});
