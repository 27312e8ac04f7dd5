import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../../src/correlation/index.js';
import { SECOND, T0, only, run, star } from './fixtures.js';

const HOUR = 3600 * SECOND;
const fleet = star('bs-1', 6, 'site-a');
const down = ['bs-1', 'cpe-1', 'cpe-2'];
const steps = [
  { at: 0, down },
  { at: 90, down },
];

function window(target: MaintenanceWindow['target'], startsAt: number, endsAt: number): MaintenanceWindow {
  return { id: 'mw-1', target, startsAt, endsAt, note: 'antenna replacement' };
}

describe('correlate: maintenance windows', () => {
  it.each([
    {
      name: 'on the root device',
      w: window({ deviceId: 'bs-1' }, T0 - HOUR, T0 + HOUR),
      kind: 'planned_works',
    },
    {
      name: "on the root's site",
      w: window({ site: 'site-a' }, T0 - HOUR, T0 + HOUR),
      kind: 'planned_works',
    },
    { name: 'on another device', w: window({ deviceId: 'bs-9' }, T0 - HOUR, T0 + HOUR), kind: 'outage' },
    { name: 'on another site', w: window({ site: 'site-z' }, T0 - HOUR, T0 + HOUR), kind: 'outage' },
    { name: 'not started yet', w: window({ deviceId: 'bs-1' }, T0 + HOUR, T0 + 2 * HOUR), kind: 'outage' },
    { name: 'already over', w: window({ deviceId: 'bs-1' }, T0 - 2 * HOUR, T0 - HOUR), kind: 'outage' },
  ])('$name → $kind', ({ w, kind }) => {
    const { last, changes } = run(fleet.topology, steps, { maintenance: [w] });
    const incident = only(last.incidents);
    const planned = kind === 'planned_works';
    expect(incident.kind).toBe(kind);
    expect(incident.suppressAlerts).toBe(planned);
    expect(incident.maintenanceWindowId).toBe(planned ? 'mw-1' : undefined);
    // Planned or not, the agent is told and the children are not advised on.
    expect(changes.map((c) => c.type)).toEqual(['opened']);
    expect(last.inhibited).toEqual(new Set(['cpe-1:unreachable', 'cpe-2:unreachable']));
  });

  it('turns planned works into an outage when the window ends while it lasts', () => {
    const w = window({ deviceId: 'bs-1' }, T0 - HOUR, T0 + 120 * SECOND);
    const { changes, last } = run(fleet.topology, [...steps, { at: 119, down }, { at: 120, down }], {
      maintenance: [w],
    });
    expect(changes.map((c) => `${c.type} ${c.incident.kind}`)).toEqual([
      'opened planned_works',
      'updated outage',
    ]);
    const update = changes[1];
    expect(update?.type === 'updated' && update.diff).toEqual({
      kind: { from: 'planned_works', to: 'outage' },
    });
    expect(only(last.incidents)).toMatchObject({ kind: 'outage', suppressAlerts: false });
    expect(only(last.incidents).maintenanceWindowId).toBeUndefined();
  });
});
