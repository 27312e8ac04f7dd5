import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/actions/action.js';
import { claimReboot } from '../../src/actions/claim-reboot.js';
import { DEFAULT_REBOOT_GUARDS } from '../../src/playbooks/index.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { startInProcessActions, type InProcessActions } from './in-process-actions.js';

/**
 * A job re-run after its worker died between the reboot's claim and its SET: the record says "claimed"
 * either way, so the device decides. Real SNMP against the simulator, real Redis.
 */
describe('a claimed reboot whose sender died: sent again only if the device never got it', () => {
  let sim: Simulator;
  let actions: InProcessActions;

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 178, devices: 12, fanout: 5 });
    actions = await startInProcessActions(sim);
  }, 60_000);

  afterAll(async () => {
    await actions?.close();
    await sim?.close();
  });

  /** A running reboot of a router up 50 days, claimed `agoMs` ago by a worker that then died. */
  async function claimedAndAbandoned(
    index: number,
    agoMs = 11_000,
  ): Promise<{ id: string; deviceId: string }> {
    const device = sim.devices.filter((d) => d.kind === 'cpe')[index]!;
    sim.addFault(device.id, 'stale_uptime', { days: 50 });
    const claimedAt = Date.now() - agoMs;
    const record: ActionRecord = {
      id: `noc-reboot:${device.id}:${claimedAt}`,
      kind: 'remote_reboot',
      deviceId: device.id,
      subscriberIds: [],
      requestedBy: 'noc:test',
      requestedAt: claimedAt,
      state: 'running',
      startedAt: claimedAt,
      causeFindingIds: [],
    };
    expect(await actions.runner.actions.create(record)).toBe(true);
    const claim = await claimReboot(actions.redis.redis, actions.redis.keys, {
      actionId: record.id,
      requestedBy: record.requestedBy,
      deviceId: device.id,
      parentId: `parent-of-${device.id}`,
      now: claimedAt,
      expectedUntil: claimedAt + 30_000,
      slotUntil: claimedAt + 60_000,
      guards: DEFAULT_REBOOT_GUARDS,
    });
    expect(claim).toEqual({ result: 'claimed' });
    return { id: record.id, deviceId: device.id };
  }

  it('a router whose uptime predates the claim never got the SET: the next run sends it, once', async () => {
    const { id, deviceId } = await claimedAndAbandoned(0);
    const before = sim.snapshot(deviceId).reboots;
    const done = await actions.runner.run(id);
    expect(done?.state).toBe('succeeded');
    expect(done?.setResentAt).toBeGreaterThan(0);
    expect(sim.snapshot(deviceId).reboots).toBe(before + 1);
    // Run once more (a late duplicate of the job): finished, nothing sent.
    await actions.runner.run(id);
    expect(sim.snapshot(deviceId).reboots).toBe(before + 1);
  }, 60_000);

  it('a router that rebooted after the claim got the SET: the next run only verifies it', async () => {
    const { id, deviceId } = await claimedAndAbandoned(1);
    // The SET left before the worker died: the router is rebooting.
    sim.reboot(deviceId);
    const before = sim.snapshot(deviceId).reboots;
    const done = await actions.runner.run(id);
    expect(done?.state).toBe('succeeded');
    expect(done?.setResentAt).toBeUndefined();
    expect(sim.snapshot(deviceId).reboots).toBe(before);
  }, 60_000);

  it('a job taken over after its verification deadline still sees the router back, rather than failing it unasked', async () => {
    // The job lock outlived the 30 s the router had to come back: it did, long before the re-run.
    const { id, deviceId } = await claimedAndAbandoned(2, 40_000);
    sim.reboot(deviceId);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const done = await actions.runner.run(id);
    expect(done).toMatchObject({ state: 'succeeded' });
    expect(done?.outcome?.reason).toMatch(/^back after/);
  }, 60_000);
});
