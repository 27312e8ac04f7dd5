import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/actions/action.js';
import { createActionLifecycle } from '../../src/actions/action-lifecycle.js';
import { createActionStore } from '../../src/actions/action-store.js';
import { claimReboot } from '../../src/actions/claim-reboot.js';
import { createSuggestionMover } from '../../src/actions/move-suggestion.js';
import { createSuggestionStore } from '../../src/diagnosis/suggestion-store.js';
import { readEvents } from '../../src/events/event-log.js';
import { DEFAULT_REBOOT_GUARDS } from '../../src/playbooks/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/**
 * Two runs of one action at once — a job taken over while its first worker still ran, as after Redis
 * was away longer than the job's lock — each start, resend and finish it: every transition lands once,
 * with one event and one audit entry, and a finished action is never written again.
 */
describe('an action saved by two runs at once: each transition once', () => {
  let redis: TestRedis;
  let n = 0;

  beforeAll(async () => {
    redis = await createTestRedis();
  });

  afterAll(async () => {
    await redis?.close();
  });

  const store = () => createActionStore(redis.redis, redis.keys);
  const lifecycle = () =>
    createActionLifecycle({
      redis: redis.redis,
      keys: redis.keys,
      log: createLogger({ level: 'silent' }),
      now: Date.now,
      actions: store(),
      suggestions: createSuggestionStore(redis.redis, redis.keys),
      moveSuggestion: createSuggestionMover(createSuggestionStore(redis.redis, redis.keys), Date.now),
    });

  async function queued(): Promise<ActionRecord> {
    n += 1;
    const record: ActionRecord = {
      id: `noc-reboot:cpe:once/${n}:${Date.now()}`,
      kind: 'remote_reboot',
      deviceId: `cpe:once/${n}`,
      subscriberIds: [`sub:once/${n}`],
      requestedBy: 'noc:test',
      requestedAt: Date.now(),
      state: 'queued',
    };
    expect(await store().create(record)).toBe(true);
    return record;
  }

  const eventsAbout = async (actionId: string) =>
    (await readEvents(redis.redis, redis.keys, '0-0', 100_000)).filter(
      (e) => (e.data as { id?: string }).id === actionId,
    );
  const auditAbout = async (actionId: string) =>
    (await redis.redis.xrange(redis.keys.audit(), '-', '+')).filter(([, fields]) =>
      (fields[1] ?? '').includes(actionId),
    );

  it('starts once and finishes once, the second run getting the first one’s outcome', async () => {
    const action = await queued();
    const [a, b] = [lifecycle(), lifecycle()];
    const [startedA, startedB] = await Promise.all([a.start(action), b.start(action)]);
    expect(startedA.state).toBe('running');
    expect(startedB.state).toBe('running');
    const [finishedA, finishedB] = await Promise.all([
      a.finish(startedA, { result: 'succeeded', reason: 'back after 9 s' }),
      b.finish(startedB, { result: 'failed', reason: 'not back' }),
    ]);
    expect(finishedA.outcome).toEqual(finishedB.outcome);
    const stored = await store().get(action.id);
    expect(stored?.outcome).toEqual(finishedA.outcome);
    const events = await eventsAbout(action.id);
    expect(events.filter((e) => e.type === 'action.started')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'action.finished')).toHaveLength(1);
    const audit = await auditAbout(action.id);
    expect(audit.filter(([, f]) => (f[1] ?? '').includes('"action.finished"'))).toHaveLength(1);
    expect(audit.filter(([, f]) => (f[1] ?? '').includes('"action.started"'))).toHaveLength(1);
  });

  it('never writes a finished action again, and its SET can no longer be claimed', async () => {
    const action = await queued();
    const done = await lifecycle().finish(action, { result: 'failed', reason: 'refused' });
    expect(await store().save({ ...done, state: 'running' })).toBe(false);
    expect((await store().get(action.id))?.state).toBe('failed');
    const now = Date.now();
    const claim = await claimReboot(redis.redis, redis.keys, {
      actionId: action.id,
      requestedBy: action.requestedBy,
      deviceId: action.deviceId,
      parentId: `bs:once/${n}`,
      now,
      expectedUntil: now + 30_000,
      slotUntil: now + 60_000,
      guards: DEFAULT_REBOOT_GUARDS,
    });
    expect(claim.result).toBe('claimed_before');
    expect((await store().get(action.id))?.setSentAt).toBeUndefined();
  });

  it('lets one run of two resend a SET: the other finds the record moved on', async () => {
    const action: ActionRecord = { ...(await queued()), state: 'running', setSentAt: Date.now() - 60_000 };
    await store().save(action);
    const at = Date.now();
    const resends = await Promise.all(
      [at, at + 1].map((t) =>
        store().save({ ...action, setResentAt: t }, undefined, undefined, { setResentAt: 'unset' }),
      ),
    );
    expect(resends.filter(Boolean)).toHaveLength(1);
    const stored = await store().get(action.id);
    expect([at, at + 1]).toContain(stored?.setResentAt);
    // A later resend from the record as stored lands; one from the stale read does not.
    expect(
      await store().save({ ...action, setResentAt: at + 5 }, undefined, undefined, {
        setResentAt: stored?.setResentAt ?? 'unset',
      }),
    ).toBe(true);
    expect(
      await store().save({ ...action, setResentAt: at + 6 }, undefined, undefined, { setResentAt: 'unset' }),
    ).toBe(false);
  });

  it('indexes a history item’s audit entry under its subscriber and device, as before', async () => {
    const action = await queued();
    const at = Date.now();
    expect(
      await store().save(action, undefined, {
        at,
        what: 'reboot.requested',
        by: 'noc:test',
        deviceId: action.deviceId,
        subscriberId: action.subscriberIds[0] as string,
        actionId: action.id,
        detail: 'remote_reboot',
      }),
    ).toBe(true);
    const [entryId] = (await auditAbout(action.id)).map(([id]) => id);
    expect(entryId).toBeDefined();
    expect(await redis.redis.zscore(redis.keys.auditOfDevice(action.deviceId), entryId as string)).toBe(
      String(at),
    );
    expect(
      await redis.redis.zscore(
        redis.keys.auditOfSubscriber(action.subscriberIds[0] as string),
        entryId as string,
      ),
    ).toBe(String(at));
  });
});
