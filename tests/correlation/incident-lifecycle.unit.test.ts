import { describe, expect, it } from 'vitest';
import type { Incident, IncidentChange } from '../../src/correlation/index.js';
import { T0, only, run, star, type Step } from './fixtures.js';

const fleet = star('bs-1', 10);
const [c1, c2, c3] = ['cpe-01', 'cpe-02', 'cpe-03'];

function diffOf(change: IncidentChange | undefined) {
  if (change?.type !== 'updated') throw new Error(`expected an updated change, got ${change?.type}`);
  return change.diff;
}

describe('correlate: settling', () => {
  it.each([
    { name: 'nothing announced before settleMs', steps: [0, 30, 89], log: [] },
    { name: 'opened once settleMs after the first sign', steps: [0, 30, 90, 120], log: ['90s opened'] },
    { name: 'a late first look still opens at once', steps: [0, 200], log: ['200s opened'] },
  ])('$name', ({ steps, log }) => {
    const result = run(
      fleet.topology,
      steps.map((at) => ({ at, down: ['bs-1', c1] })),
    );
    expect(result.log).toEqual(log.map((l) => `${l} outage:bs-1`));
  });

  it('inhibits the children while still pending, so they raise nothing of their own first', () => {
    const { last } = run(fleet.topology, [{ at: 0, down: ['bs-1', c1, c2] }]);
    expect(only(last.incidents).state).toBe('pending');
    expect(last.changes).toEqual([]);
    expect([...last.inhibited].sort()).toEqual([`${c1}:unreachable`, `${c2}:unreachable`]);
  });

  it('drops a sign that vanishes before it settles, silently', () => {
    const { last, log } = run(fleet.topology, [
      { at: 0, down: ['bs-1'] },
      { at: 30, down: [c1] },
    ]);
    expect(log).toEqual([]);
    expect(last.incidents).toEqual([]);
    expect(last.inhibited.size).toBe(0);
  });
});

describe('correlate: updates', () => {
  it('announces devices falling and recovering as diffs', () => {
    const { changes, last } = run(fleet.topology, [
      { at: 0, down: ['bs-1', c1] },
      { at: 90, down: ['bs-1', c1] },
      { at: 120, down: ['bs-1', c1, c2, c3] },
      { at: 150, down: ['bs-1', c3] },
      { at: 180, down: ['bs-1', c3] },
    ]);
    expect(changes.map((c) => c.type)).toEqual(['opened', 'updated', 'updated']);
    expect(diffOf(changes[1])).toEqual({ affectedDevicesAdded: [c2, c3] });
    expect(diffOf(changes[2])).toEqual({ affectedDevicesRemoved: [c1, c2] });
    expect(only(last.incidents)).toMatchObject({ affectedDeviceIds: ['bs-1', c3], updatedAt: T0 + 150_000 });
  });

  it('keeps the ETA, note and acknowledgement NOC set across updates', () => {
    const noc = (incidents: Incident[]): Incident[] =>
      incidents.map((i) => ({
        ...i,
        eta: '2026-01-15T14:00:00Z',
        note: 'fibre cut',
        acknowledgedBy: 'noc-anna',
      }));
    const { last, changes } = run(fleet.topology, [
      { at: 0, down: ['bs-1'] },
      { at: 90, down: ['bs-1'] },
      { at: 100, down: ['bs-1', c1], edit: noc },
      { at: 130, down: ['bs-1', c1, c2] },
    ]);
    expect(only(last.incidents)).toMatchObject({
      eta: '2026-01-15T14:00:00Z',
      note: 'fibre cut',
      acknowledgedBy: 'noc-anna',
      affectedDeviceIds: ['bs-1', c1, c2],
    });
    expect(diffOf(changes[2])).toEqual({ affectedDevicesAdded: [c2] });
  });
});

describe('correlate: resolution', () => {
  const outage: Step[] = [
    { at: 0, down: ['bs-1', c1] },
    { at: 90, down: ['bs-1', c1] },
  ];

  it.each([
    { name: 'not while the root is still down', back: [], at: [200, 400], log: [] },
    { name: 'not before resolveAfterMs', back: ['bs-1', c1], at: [100, 159], log: ['100s updated'] },
    {
      name: 'after resolveAfterMs back',
      back: ['bs-1', c1],
      at: [100, 130, 160],
      log: ['100s updated', '160s resolved'],
    },
    {
      name: 'when the children left are under the threshold',
      back: ['bs-1'],
      at: [100, 160],
      log: ['160s resolved'],
    },
  ])('$name', ({ back, at, log }) => {
    const down = ['bs-1', c1].filter((d) => !back.includes(d));
    const result = run(fleet.topology, [...outage, ...at.map((t) => ({ at: t, down }))]);
    expect(result.log).toEqual(['90s opened outage:bs-1', ...log.map((l) => `${l} outage:bs-1`)]);
  });

  it('restarts the recovery wait when the root falls again', () => {
    const { log, last } = run(fleet.topology, [
      ...outage,
      { at: 100, down: [] },
      { at: 140, down: ['bs-1'] },
      { at: 150, down: [] },
      { at: 200, down: [] },
    ]);
    // 100s: cpe-01 came back, so it leaves the affected list; the root falling again changes no list.
    expect(log).toEqual(['90s opened outage:bs-1', '100s updated outage:bs-1']);
    expect(only(last.incidents).recoveringSince).toBe(T0 + 150_000);
  });

  it('resolves with the time and stops inhibiting', () => {
    const { changes, last } = run(fleet.topology, [...outage, { at: 100, down: [] }, { at: 160, down: [] }]);
    const resolved = changes.at(-1);
    expect(resolved?.type).toBe('resolved');
    expect(resolved?.incident).toMatchObject({ state: 'resolved', resolvedAt: T0 + 160_000 });
    expect(last.incidents).toEqual([]);
    expect(last.inhibited.size).toBe(0);
  });
});
