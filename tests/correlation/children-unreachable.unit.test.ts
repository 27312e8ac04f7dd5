import { describe, expect, it } from 'vitest';
import { run, star } from './fixtures.js';

/** A parent that still answers SNMP while its uplink is dead: only the share of its children tells. */
describe('correlate: a share of one parent children unreachable', () => {
  it.each([
    { children: 10, down: 6, outage: true },
    { children: 10, down: 5, outage: true },
    { children: 10, down: 4, outage: false },
    { children: 10, down: 2, outage: false },
    { children: 4, down: 4, outage: false },
    { children: 5, down: 5, outage: true },
  ])('$down of $children children down → outage: $outage', ({ children, down, outage }) => {
    const fleet = star('an-1', children);
    const unreachable = fleet.children.slice(0, down);
    const { last, log } = run(fleet.topology, [
      { at: 0, down: unreachable },
      { at: 90, down: unreachable },
    ]);
    if (outage) {
      expect(log).toEqual(['90s opened outage:an-1']);
      expect(last.incidents[0]).toMatchObject({ cause: 'children_unreachable', rootDeviceId: 'an-1' });
      expect(last.incidents[0]?.affectedDeviceIds).toEqual(['an-1', ...unreachable]);
      expect(last.inhibited.size).toBe(down);
    } else {
      expect(log).toEqual([]);
      expect(last.incidents).toEqual([]);
      expect(last.inhibited.size).toBe(0);
    }
  });

  it('honours a configured threshold and minimum', () => {
    const fleet = star('an-1', 10);
    const unreachable = fleet.children.slice(0, 3);
    const config = { childShareThreshold: 0.3, minChildren: 3, settleMs: 0 };
    const { log } = run(fleet.topology, [{ at: 0, down: unreachable }], { config });
    expect(log).toEqual(['0s opened outage:an-1']);
  });

  it('turns the cause into parent_down when the parent is found down later', () => {
    const fleet = star('an-1', 10);
    const six = fleet.children.slice(0, 6);
    const { changes, last } = run(fleet.topology, [
      { at: 0, down: six },
      { at: 90, down: six },
      { at: 120, down: ['an-1', ...six] },
    ]);
    expect(changes.map((c) => c.type)).toEqual(['opened', 'updated']);
    const update = changes[1];
    expect(update?.type === 'updated' && update.diff.cause).toEqual({
      from: 'children_unreachable',
      to: 'parent_down',
    });
    expect(last.incidents[0]?.cause).toBe('parent_down');
  });
});
