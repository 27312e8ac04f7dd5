import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/correlation/index.js';
import { T0, only, run, tree } from './fixtures.js';

describe('correlate: nested outages collapse to the highest down ancestor', () => {
  it.each([
    {
      name: 'base station and access node down together',
      steps: [
        { at: 0, down: ['bs-1', 'an-1', 'an-1-cpe-1'] },
        { at: 90, down: ['bs-1', 'an-1', 'an-1-cpe-1'] },
      ],
      log: ['90s opened outage:bs-1'],
    },
    {
      name: 'access node first, base station while it still settles',
      steps: [
        { at: 0, down: ['an-1'] },
        { at: 30, down: ['bs-1', 'an-1'] },
        { at: 90, down: ['bs-1', 'an-1'] },
      ],
      log: ['90s opened outage:bs-1'],
    },
    {
      name: 'access node announced, then the base station falls: merged, no second settle',
      steps: [
        { at: 0, down: ['an-1'] },
        { at: 90, down: ['an-1'] },
        { at: 120, down: ['bs-1', 'an-1'] },
      ],
      log: ['90s opened outage:an-1', '120s resolved outage:an-1', '120s opened outage:bs-1'],
    },
  ])('$name', ({ steps, log }) => {
    const result = run(tree(), steps);
    expect(result.log).toEqual(log);
    const incident = only(result.last.incidents);
    expect(incident.rootDeviceId).toBe('bs-1');
    expect(incident.affectedDeviceIds).toEqual(expect.arrayContaining(['bs-1', 'an-1']));
    expect(result.last.inhibited).toContain('an-1:unreachable');
  });

  it('says which outage took a merged one over', () => {
    const { changes } = run(tree(), [
      { at: 0, down: ['an-1'] },
      { at: 90, down: ['an-1'] },
      { at: 120, down: ['bs-1', 'an-1'] },
    ]);
    const merged = changes.find((c) => c.type === 'resolved');
    expect(merged?.incident).toMatchObject({ id: 'outage:an-1', mergedInto: 'outage:bs-1' });
  });

  it('hands the ETA, note and acknowledgement of a merged outage to the one that took it over', () => {
    const noc = (incidents: Incident[]): Incident[] =>
      incidents.map((i) => ({
        ...i,
        eta: '2026-01-15T14:00:00Z',
        note: 'crew sent',
        acknowledgedBy: 'noc-anna',
      }));
    const { last } = run(tree(), [
      { at: 0, down: ['an-1'] },
      { at: 90, down: ['an-1'] },
      { at: 120, down: ['bs-1', 'an-1'], edit: noc },
    ]);
    expect(only(last.incidents)).toMatchObject({
      id: 'outage:bs-1',
      state: 'open',
      openedAt: T0,
      eta: '2026-01-15T14:00:00Z',
      note: 'crew sent',
      acknowledgedBy: 'noc-anna',
    });
  });

  it.each([
    {
      name: 'holds while the root is back but its few children stay dark',
      later: ['an-1-cpe-1', 'an-1-cpe-2'],
      log: [],
    },
    {
      name: 'resolves once the children are back too',
      later: ['an-1-cpe-1'],
      log: ['220s resolved outage:an-1'],
    },
  ])('$name', ({ later, log }) => {
    const all = ['an-1', 'an-1-cpe-1', 'an-1-cpe-2', 'an-1-cpe-3'];
    const result = run(tree(), [
      { at: 0, down: all },
      { at: 90, down: all },
      { at: 160, down: later },
      { at: 220, down: later },
    ]);
    // an-1 has three children, fewer than minChildren: opening needed the parent down, holding does not.
    expect(result.log.filter((l) => !l.includes('updated'))).toEqual(['90s opened outage:an-1', ...log]);
  });

  it('keeps sibling access nodes as two outages when their parent is up and has too few children', () => {
    const { log, last } = run(tree(), [
      { at: 0, down: ['an-1', 'an-2'] },
      { at: 90, down: ['an-1', 'an-2'] },
    ]);
    expect(log).toEqual(['90s opened outage:an-1', '90s opened outage:an-2']);
    expect(last.incidents.map((i) => i.affectedSubscriberIds)).toEqual([
      ['sub-an-1-1', 'sub-an-1-2', 'sub-an-1-3'],
      ['sub-an-2-1', 'sub-an-2-2', 'sub-an-2-3'],
    ]);
  });
});
