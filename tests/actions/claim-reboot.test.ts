import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimReboot, type RebootClaimRequest } from '../../src/actions/claim-reboot.js';
import type { ActionRecord } from '../../src/actions/action.js';
import { createActionStore } from '../../src/actions/action-store.js';
import { createRebootLedger } from '../../src/diagnosis/reboot-ledger.js';
import { DEFAULT_REBOOT_GUARDS } from '../../src/playbooks/index.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

const HOUR_MS = 3_600_000;

/** The reboot claim on its own, against a real Redis: what it checks, what it writes, what it refuses. */
describe('claimReboot: the device, its guards and a slot under its parent in one script', () => {
  let redis: TestRedis;
  let n = 0;

  beforeAll(async () => {
    redis = await createTestRedis();
  });

  afterAll(async () => {
    await redis?.close();
  });

  /** A queued action of its own device (and, unless told, its own parent). */
  async function action(
    overrides: Partial<RebootClaimRequest> = {},
  ): Promise<RebootClaimRequest & { record: ActionRecord }> {
    n += 1;
    const now = Date.now();
    const deviceId = overrides.deviceId ?? `cpe:claim/${n}`;
    const record: ActionRecord = {
      id: `noc-reboot:${deviceId}:${now}:${n}`,
      kind: 'remote_reboot',
      deviceId,
      subscriberIds: [],
      requestedBy: 'noc:test',
      requestedAt: now,
      state: 'running',
    };
    expect(await createActionStore(redis.redis, redis.keys).create(record)).toBe(true);
    return {
      actionId: record.id,
      requestedBy: record.requestedBy,
      deviceId,
      parentId: `bs:claim/${n}`,
      now,
      expectedUntil: now + 30_000,
      slotUntil: now + 60_000,
      guards: DEFAULT_REBOOT_GUARDS,
      ...overrides,
      record,
    };
  }

  const claim = (request: RebootClaimRequest) => claimReboot(redis.redis, redis.keys, request);
  const stored = async (id: string) =>
    JSON.parse((await redis.redis.hget(redis.keys.actionRecords(), id)) ?? '{}') as ActionRecord;

  it('claims once: the SET marked sent, the reboot expected, the ledger entry and the slot written', async () => {
    const request = await action();
    expect(await claim(request)).toEqual({ result: 'claimed' });
    expect((await stored(request.actionId)).setSentAt).toBe(request.now);
    // An empty array in the record stays an array (the record is appended to, not re-encoded).
    expect((await stored(request.actionId)).subscriberIds).toEqual([]);
    expect(await redis.redis.hget(redis.keys.expectedReboots(), request.deviceId)).toBe(
      String(request.expectedUntil),
    );
    const ledger = createRebootLedger(redis.redis, redis.keys);
    const history = (await ledger.histories([request.deviceId], Date.now())).get(request.deviceId);
    expect(history?.rebootsAt).toEqual([request.now]);
    expect((await ledger.runningUnder([request.parentId!], Date.now())).get(request.parentId!)).toBe(1);

    // The same action again (a job re-run after its worker died): nothing more, no second SET.
    expect(await claim({ ...request, now: request.now + 1 })).toEqual({ result: 'claimed_before' });
    expect((await stored(request.actionId)).setSentAt).toBe(request.now);
  });

  it('refuses a second action of a device while the first reboot is expected: cooldown', async () => {
    const first = await action();
    const second = await action({ deviceId: first.deviceId, parentId: first.parentId });
    expect(await claim(first)).toEqual({ result: 'claimed' });
    expect(await claim(second)).toMatchObject({ result: 'refused', guard: 'cooldown' });
    expect((await stored(second.actionId)).setSentAt).toBeUndefined();
  });

  it('refuses within the cooldown after a finished reboot, and past max_per_24h', async () => {
    const ledger = createRebootLedger(redis.redis, redis.keys);
    const first = await action();
    // A reboot 30 minutes ago, verified and released.
    const earlier = { ...first, now: first.now - 30 * 60_000, expectedUntil: first.now - 29 * 60_000 };
    expect(await claim(earlier)).toEqual({ result: 'claimed' });
    await ledger.finished({
      deviceId: first.deviceId,
      parentId: first.parentId,
      at: earlier.now,
      actionId: first.actionId,
      by: first.requestedBy,
      cleared: true,
    });
    const again = await action({ deviceId: first.deviceId, parentId: first.parentId });
    const refused = await claim(again);
    expect(refused).toMatchObject({ result: 'refused', guard: 'cooldown' });
    expect(refused.result === 'refused' && refused.reason).toMatch(/rebooted 30m ago, cooldown 120m/);

    // Two reboots in the last 24 h, both past a short cooldown: the daily limit holds.
    const daily = await action();
    for (const hoursAgo of [5, 3]) {
      const at = daily.now - hoursAgo * HOUR_MS;
      const past = await action({ deviceId: daily.deviceId, parentId: daily.parentId });
      expect(await claim({ ...past, now: at, expectedUntil: at + 1 })).toEqual({ result: 'claimed' });
    }
    const third = await claim({ ...daily, guards: { ...DEFAULT_REBOOT_GUARDS, cooldownMs: HOUR_MS } });
    expect(third).toMatchObject({ result: 'refused', guard: 'max_per_24h' });
    expect(third.result === 'refused' && third.reason).toMatch(
      /^2 reboots of .* in the last 24h, at most 2$/,
    );
  });

  it('holds at most maxConcurrentPerParent slots under one parent; a released or expired slot frees one', async () => {
    const parentId = `bs:cap/${Date.now()}`;
    const requests = await Promise.all(Array.from({ length: 8 }, () => action({ parentId })));
    const claims = await Promise.all(requests.map((r) => claim(r)));
    expect(claims.filter((c) => c.result === 'claimed')).toHaveLength(5);
    for (const c of claims.filter((c) => c.result !== 'claimed'))
      expect(c).toMatchObject({
        result: 'refused',
        guard: 'concurrent_under_parent',
        reason: `5 reboots running under parent ${parentId}, at most 5`,
      });
    // Refused claims wrote nothing: no SET marked, no ledger entry.
    const refused = requests.filter((_, i) => claims[i]!.result !== 'claimed');
    for (const r of refused) expect((await stored(r.actionId)).setSentAt).toBeUndefined();
    const ledger = createRebootLedger(redis.redis, redis.keys);
    const histories = await ledger.histories(
      refused.map((r) => r.deviceId),
      Date.now(),
    );
    expect(histories.size).toBe(0);

    // Verification of one finishes: its slot is released, and one more may go.
    const done = requests.find((_, i) => claims[i]!.result === 'claimed')!;
    await ledger.finished({
      deviceId: done.deviceId,
      parentId,
      at: done.now,
      actionId: done.actionId,
      by: done.requestedBy,
      cleared: true,
    });
    expect(await claim(refused[0]!)).toEqual({ result: 'claimed' });
    expect(await claim(refused[1]!)).toMatchObject({ guard: 'concurrent_under_parent' });

    // A worker that died mid-verification never releases its slot: it expires at slotUntil.
    const later = Date.now() + 120_000;
    expect((await ledger.runningUnder([parentId], later)).get(parentId)).toBe(0);
    expect(
      await claim({ ...refused[1]!, now: later, expectedUntil: later + 1, slotUntil: later + 2 }),
    ).toEqual({ result: 'claimed' });
  });

  it('claims a device without a parent with no slot', async () => {
    const request = await action({ parentId: null });
    expect(await claim(request)).toEqual({ result: 'claimed' });
    expect(await redis.redis.exists(redis.keys.runningReboots(request.deviceId))).toBe(0);
  });
});
