import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRebootLedger } from '../../src/diagnosis/reboot-ledger.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { actionFinished, type ActionView } from './action-finished.js';
import { until } from '../helpers/wait.js';

type Action = ActionView;
interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** The shipped default: at most 5 reboots running under one parent. */
const CAP = 5;

/**
 * Issue 11: ten NOC reboots of ten CPEs under one parent, all at once, through `vigil serve` and the
 * simulator over real SNMP. The guard that reads the ledger cannot hold them (they all read it before
 * any is written); the claim, one script with the device and the parent's slot, does.
 */
// Concurrent: each test has a parent of its own.
describe.concurrent('reboots under one parent: the cap is claimed atomically with the device', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;

  beforeAll(async () => {
    // Two parents of eleven CPEs each: one per test, so the tests never share a slot.
    sim = await startTestSimulator({ firstOctet: 163, devices: 24, fanout: 11 });
    redis = await createTestRedis();
    service = await startTestService(sim, redis.prefix);
  }, 90_000);

  afterAll(async () => {
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  const childrenOf = (parentIndex: number) =>
    sim.devices.filter((d) => d.kind === 'cpe' && d.parentIndex === parentIndex);
  const parents = () => sim.devices.filter((d) => d.kind !== 'cpe');

  const reboot = (deviceId: string) =>
    service.api<Action & Problem>('POST', `/v1/devices/${encodeURIComponent(deviceId)}/reboot`, 'noc');

  const finished = (actionId: string): Promise<Action> => actionFinished(service, actionId, 90_000);

  it(
    `ten reboots under one parent at once send exactly ${CAP} SETs; the others are refused by concurrent_under_parent`,
    { timeout: 180_000 },
    async () => {
      const parent = parents()[0]!;
      const cpes = childrenOf(parent.index).slice(0, 10);
      expect(cpes).toHaveLength(10);
      const before = new Map(cpes.map((d) => [d.id, sim.snapshot(d.id).reboots]));

      const asked = await Promise.all(cpes.map((d) => reboot(d.id)));
      // Refused up front (the ledger already showed the cap) or later at the claim: either way, named.
      for (const refused of asked.filter((r) => r.status !== 202)) {
        expect(refused).toMatchObject({ status: 409, body: { code: 'ERR_REBOOT_CONFLICT' } });
        expect(refused.body.errors?.map((e) => e.path)).toEqual(['concurrent_under_parent']);
      }
      const outcomes = await Promise.all(
        asked.filter((r) => r.status === 202).map((r) => finished(r.body.id)),
      );
      const sent = outcomes.filter((a) => a.setSentAt !== undefined);
      expect(sent).toHaveLength(CAP);
      for (const a of sent) expect(a).toMatchObject({ state: 'succeeded' });
      for (const a of outcomes.filter((a) => a.setSentAt === undefined)) {
        expect(a.state).toBe('failed');
        expect(a.outcome?.reason).toMatch(
          new RegExp(
            `^not rebooted: concurrent_under_parent — \\d+ reboots? running under parent ${parent.id}, at most ${CAP}`,
          ),
        );
      }

      // The witness: the simulator's own reboot counters.
      const rebooted = cpes.filter((d) => sim.snapshot(d.id).reboots > before.get(d.id)!);
      expect(rebooted).toHaveLength(CAP);
      expect(new Set(rebooted.map((d) => d.id))).toEqual(new Set(sent.map((a) => a.deviceId)));
      for (const d of cpes) expect(sim.snapshot(d.id).reboots - before.get(d.id)!).toBeLessThanOrEqual(1);

      // Verification released every slot; the ledger has the five reboots, each once.
      const ledger = createRebootLedger(redis.redis, redis.keys);
      expect((await ledger.runningUnder([parent.id], Date.now())).get(parent.id)).toBe(0);
      const histories = await ledger.histories(
        cpes.map((d) => d.id),
        Date.now(),
      );
      expect([...histories.values()].map((h) => h.rebootsAt.length)).toEqual(Array(CAP).fill(1));

      // With the slots released, a CPE that was refused can be rebooted now.
      const refusedCpe = cpes.find((d) => !rebooted.includes(d))!;
      const again = await reboot(refusedCpe.id);
      expect(again.status).toBe(202);
      expect(await finished(again.body.id)).toMatchObject({ state: 'succeeded' });
      expect(sim.snapshot(refusedCpe.id).reboots).toBe(before.get(refusedCpe.id)! + 1);
    },
  );

  it(
    'a slot whose worker died mid-verification holds only until its expiry',
    { timeout: 90_000 },
    async () => {
      const parent = parents()[1]!;
      const cpe = childrenOf(parent.index)[0]!;
      const before = sim.snapshot(cpe.id).reboots;
      // Five reboots under the parent whose workers died: their slots expire in 3 s, never released.
      const expiresAt = Date.now() + 3_000;
      await redis.redis.zadd(
        redis.keys.runningReboots(parent.id),
        ...[1, 2, 3, 4, 5].flatMap((n) => [expiresAt, `noc-reboot:lost-${n}`]),
      );
      const refused = await reboot(cpe.id);
      expect(refused.status).toBe(409);
      expect(refused.body.errors?.map((e) => e.path)).toEqual(['concurrent_under_parent']);
      await until(() => Date.now() > expiresAt, { everyMs: 50, what: 'the slots expired' });
      const asked = await reboot(cpe.id);
      expect(asked.status).toBe(202);
      expect(await finished(asked.body.id)).toMatchObject({ state: 'succeeded' });
      expect(sim.snapshot(cpe.id).reboots).toBe(before + 1);
    },
  );
});
