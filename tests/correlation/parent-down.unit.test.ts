import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlation/index.js';
import { T0, finding, findings, only, run, star, tree } from './fixtures.js';

describe('correlate: a parent down', () => {
  it.each([
    { name: 'unreachable', extra: [] },
    { name: 'base_station_down while still answering', extra: [finding('bs-1', 'base_station_down')] },
  ])('opens one outage at the parent listing every subscriber behind it ($name)', ({ name, extra }) => {
    const fleet = star('bs-1', 10);
    const down = name === 'unreachable' ? ['bs-1', 'cpe-01', 'cpe-02'] : ['cpe-01', 'cpe-02'];
    const { last } = run(fleet.topology, [
      { at: 0, down, extra },
      { at: 90, down, extra },
    ]);
    const incident = only(last.incidents);
    expect(incident).toMatchObject({
      id: 'outage:bs-1',
      kind: 'outage',
      cause: 'parent_down',
      state: 'open',
      rootDeviceId: 'bs-1',
      openedAt: T0,
      suppressAlerts: false,
    });
    expect(incident.affectedDeviceIds).toEqual(['bs-1', 'cpe-01', 'cpe-02']);
    expect(incident.affectedSubscriberIds).toEqual(fleet.subscribers);
  });

  it('lists subscribers transitively: on the root itself and below nested access nodes', () => {
    const { last } = run(tree(), [
      { at: 0, down: ['bs-1'] },
      { at: 90, down: ['bs-1'] },
    ]);
    expect(only(last.incidents).affectedSubscriberIds).toEqual([
      'sub-an-1-1',
      'sub-an-1-2',
      'sub-an-1-3',
      'sub-an-2-1',
      'sub-an-2-2',
      'sub-an-2-3',
      'sub-bs',
    ]);
  });

  it("inhibits the children's own findings, not the root's", () => {
    const fleet = star('bs-1', 3);
    const extra = [finding('cpe-3', 'stale_uptime'), finding('bs-1', 'resource_exhaustion')];
    const { last } = run(fleet.topology, [{ at: 0, down: ['bs-1', 'cpe-1'], extra }]);
    expect([...last.inhibited].sort()).toEqual(['cpe-1:unreachable', 'cpe-3:stale_uptime']);
  });

  it('does not make an outage of a CPE that is down alone', () => {
    const fleet = star('bs-1', 10);
    const { last, log } = run(fleet.topology, [
      { at: 0, down: ['cpe-04'] },
      { at: 300, down: ['cpe-04'] },
    ]);
    expect(last.incidents).toEqual([]);
    expect(log).toEqual([]);
    expect(last.inhibited.size).toBe(0);
  });

  it('makes exactly one incident of a 500-child base station down, with every device and subscriber', () => {
    const fleet = star('bs-big', 500);
    const down = ['bs-big', ...fleet.children];
    const { last, changes } = run(fleet.topology, [
      { at: 0, down },
      { at: 30, down },
      { at: 90, down },
    ]);
    const incident = only(last.incidents);
    expect(only(changes).type).toBe('opened');
    expect(incident.affectedDeviceIds).toHaveLength(501);
    expect(incident.affectedDeviceIds).toContain('bs-big');
    expect(incident.affectedSubscriberIds).toEqual(fleet.subscribers);
    expect(last.inhibited.size).toBe(500);
  });

  it('is idempotent: the same input twice gives the same output and no second change', () => {
    const fleet = star('bs-1', 4);
    const input = {
      now: T0 + 90_000,
      topology: fleet.topology,
      findingsByDevice: findings(['bs-1', 'cpe-1']),
      maintenance: [],
    };
    const pending = correlate({ ...input, now: T0, incidents: [] });
    const first = correlate({ ...input, incidents: pending.incidents });
    const again = correlate({ ...input, incidents: first.incidents });
    expect(first.changes.map((c) => c.type)).toEqual(['opened']);
    expect(again.changes).toEqual([]);
    expect(again.incidents).toEqual(first.incidents);
  });
});
