import { describe, expect, it } from 'vitest';
import { star, tree, run, only, finding } from './fixtures.js';

/**
 * A parent that stops answering SNMP is an outage of what hangs below it only when the devices below
 * agree: none of them answers, or no evidence at all yet, or silent ones are at least half of those
 * that were heard from. A subscriber whose own equipment answers is never listed.
 */
describe('correlate: a silent parent weighed against its children', () => {
  const fleet = star('bs-1', 4);
  const [c1, c2, c3, c4] = fleet.children as [string, string, string, string];

  it.each([
    {
      name: 'parent down, every child down',
      down: ['bs-1', c1, c2, c3, c4],
      answering: [],
      outage: { devices: ['bs-1', c1, c2, c3, c4], subscribers: ['sub-1', 'sub-2', 'sub-3', 'sub-4'] },
    },
    {
      name: 'parent down, no child evidence either way yet',
      down: ['bs-1'],
      answering: [],
      outage: { devices: ['bs-1'], subscribers: ['sub-1', 'sub-2', 'sub-3', 'sub-4'] },
    },
    {
      name: 'parent down, every child answering (management plane only)',
      down: ['bs-1'],
      answering: [c1, c2, c3, c4],
      outage: undefined,
    },
    {
      name: 'parent down, one child answering and none down',
      down: ['bs-1'],
      answering: [c1],
      outage: undefined,
    },
    {
      name: 'parent down, three children down and one answering',
      down: ['bs-1', c1, c2, c3],
      answering: [c4],
      outage: { devices: ['bs-1', c1, c2, c3], subscribers: ['sub-1', 'sub-2', 'sub-3'] },
    },
    {
      name: 'parent down, two down and two answering (half)',
      down: ['bs-1', c1, c2],
      answering: [c3, c4],
      outage: { devices: ['bs-1', c1, c2], subscribers: ['sub-1', 'sub-2'] },
    },
    {
      name: 'parent down, one down and three answering',
      down: ['bs-1', c1],
      answering: [c2, c3, c4],
      outage: undefined,
    },
  ])('$name', ({ down, answering, outage }) => {
    const { last, log } = run(fleet.topology, [
      { at: 0, down, answering },
      { at: 90, down, answering },
    ]);
    if (outage === undefined) {
      expect(last.incidents).toEqual([]);
      expect(log).toEqual([]);
      // The children's own trouble is theirs to be advised on: nothing is inhibited.
      expect(last.inhibited.size).toBe(0);
      return;
    }
    const incident = only(last.incidents);
    expect(incident).toMatchObject({ id: 'outage:bs-1', cause: 'parent_down', state: 'open' });
    expect(incident.affectedDeviceIds).toEqual(outage.devices);
    expect(incident.affectedSubscriberIds).toEqual(outage.subscribers);
    for (const id of answering) expect(last.inhibited.has(`${id}:unreachable`)).toBe(false);
  });

  const cellsOff = {
    ...finding('bs-1', 'base_station_down'),
    evidence: { summary: 'all 3 cells down while the station answers', values: { cellsDown: 3, cells: 3 } },
  };
  const noAnswer = {
    ...finding('bs-1', 'base_station_down'),
    evidence: { summary: 'no answer to 3 polls in a row', values: { failures: 3 } },
  };

  it('keeps a base station that reports its cells off as an outage, but lists only subscribers without service', () => {
    const step = { down: [c1, c2], extra: [cellsOff], answering: ['bs-1', c3, c4] };
    const { last } = run(fleet.topology, [
      { at: 0, ...step },
      { at: 90, ...step },
    ]);
    const incident = only(last.incidents);
    expect(incident.cause).toBe('parent_down');
    expect(incident.affectedSubscriberIds).toEqual(['sub-1', 'sub-2']);
  });

  it('treats a base station that does not answer (base_station_down by silence) like any silent parent', () => {
    const step = { down: [], extra: [noAnswer], answering: [c1, c2, c3, c4] };
    const { last, log } = run(fleet.topology, [
      { at: 0, ...step },
      { at: 90, ...step },
    ]);
    expect(last.incidents).toEqual([]);
    expect(log).toEqual([]);
  });

  it('resolves a pending outage once the children are heard from, announcing nothing', () => {
    // The made-up parent of the issue: silent from the first poll, its CPE polled a little later.
    const { last, log } = run(fleet.topology, [
      { at: 0, down: ['bs-1'] },
      { at: 30, down: ['bs-1'], answering: [c1, c2, c3, c4] },
      { at: 120, down: ['bs-1'], answering: [c1, c2, c3, c4] },
    ]);
    expect(last.incidents).toEqual([]);
    expect(log).toEqual([]);
  });

  it('keeps a subscriber of an open outage whose equipment answers again until it resolves, adds none that answer', () => {
    const topology = tree();
    const all = [
      'bs-1',
      'an-1',
      'an-2',
      'an-1-cpe-1',
      'an-1-cpe-2',
      'an-1-cpe-3',
      'an-2-cpe-1',
      'an-2-cpe-2',
    ];
    const { last } = run(topology, [
      { at: 0, down: [...all, 'an-2-cpe-3'] },
      { at: 90, down: [...all, 'an-2-cpe-3'] },
      { at: 120, down: all, answering: ['an-2-cpe-3'] },
    ]);
    const incident = only(last.incidents);
    expect(incident.state).toBe('open');
    expect(incident.affectedSubscriberIds).toContain('sub-an-2-3');
    expect(incident.affectedSubscriberIds).toContain('sub-an-2-2');
  });

  it('keeps every subscriber it told while it recovers, so each hears it resolved', () => {
    const { last, changes } = run(fleet.topology, [
      { at: 0, down: ['bs-1', c1, c2, c3, c4] },
      { at: 90, down: ['bs-1', c1, c2, c3, c4] },
      // Power is back: the station and two CPEs answer again, two are still down.
      { at: 100, down: [c3, c4], answering: [c1, c2] },
      { at: 110, down: [], answering: [c1, c2, c3, c4] },
      { at: 200, down: [], answering: [c1, c2, c3, c4] },
    ]);
    expect(last.incidents).toHaveLength(0);
    const resolved = only(changes.filter((c) => c.type === 'resolved'));
    expect(resolved.incident.affectedSubscriberIds).toEqual(['sub-1', 'sub-2', 'sub-3', 'sub-4']);
  });

  it('still holds back the unreachable finding of a device that answers again while the outage lasts', () => {
    const errors = finding(c1, 'error_rate');
    const { last } = run(fleet.topology, [
      { at: 0, down: ['bs-1', c1, c2, c3, c4] },
      { at: 90, down: ['bs-1', c1, c2, c3, c4] },
      // c1 answered once: its unreachable clears after a few answers; its line errors are its own.
      { at: 100, down: ['bs-1', c1, c2, c3, c4], answering: [c1], extra: [errors] },
    ]);
    expect(only(last.incidents).state).toBe('open');
    expect(last.inhibited.has(`${c1}:unreachable`)).toBe(true);
    expect(last.inhibited.has(errors.id)).toBe(false);
  });
});
