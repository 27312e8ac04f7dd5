import { describe, expect, it } from 'vitest';
import { planDevice, type DeviceFacts } from '../../src/diagnosis/plan-device.js';
import type { Device } from '../../src/inventory/inventory-types.js';
import { finding, shippedPlaybooks, T0 } from '../playbooks/planner-helpers.js';

const MINUTE = 60_000;
const device: Device = {
  id: 'cpe-1',
  kind: 'cpe',
  parentId: 'bs-1',
  model: 'HG8245',
  profile: 'cpe-gpon',
  host: '127.0.0.1',
  port: 161,
  auth: 'sim',
};

/**
 * When an outage resolves, the routers under it come back over a poll or two: one still unreachable a
 * second after the resolution is not yet a router to power-cycle.
 */
describe('planDevice: an unreachable router right after its outage resolved', () => {
  // Opened under the outage, ten minutes ago: long past the hold for a fresh unreachable.
  const unreachable = { ...finding('unreachable', {}), deviceId: 'cpe-1', since: T0 - 10 * MINUTE };
  const facts = (extra: Partial<DeviceFacts> = {}): DeviceFacts => ({
    device,
    ancestorIds: ['bs-1'],
    subscriberIds: ['sub-1'],
    findings: [unreachable],
    concurrentRebootsUnderParent: 0,
    ...extra,
  });
  const hold = 90_000;

  it('holds its unreachable finding until the hold after the outage ends, and says until when', () => {
    const plan = planDevice(shippedPlaybooks(), facts({ unreachableHeldUntil: T0 + hold }), [], T0, hold);
    expect(plan.suggestions).toEqual([]);
    expect(plan.settlingUntil).toBe(T0 + hold);
  });

  it('advises on it once the hold is over', () => {
    const plan = planDevice(
      shippedPlaybooks(),
      facts({ unreachableHeldUntil: T0 + hold }),
      [],
      T0 + hold,
      hold,
    );
    expect(plan.suggestions.map((s) => s.kind)).toContain('consultation');
  });

  it('advises at once when no outage resolved over it', () => {
    const plan = planDevice(shippedPlaybooks(), facts(), [], T0, hold);
    expect(plan.suggestions.map((s) => s.kind)).toContain('consultation');
  });
});
