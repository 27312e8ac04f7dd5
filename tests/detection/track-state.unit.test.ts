import { describe, expect, it } from 'vitest';
import type { DetectionState } from '../../src/detection/detection-state.js';
import { pruneState } from '../../src/detection/prune-state.js';
import { trackInterfaces } from '../../src/detection/track-interfaces.js';
import { trackReachability } from '../../src/detection/track-reachability.js';
import type { PollOutcome } from '../../src/probes/poll-result.js';
import { HOUR, MINUTE, T0, THRESHOLDS, iface, sample, state } from './factories.js';

describe('trackReachability (K = 3, S = 2)', () => {
  function replay(outcomes: PollOutcome[]): DetectionState {
    return outcomes.reduce(
      (s, outcome, i) => trackReachability(s, outcome, THRESHOLDS, T0 + i * MINUTE),
      state(),
    );
  }

  it.each<{ outcomes: PollOutcome[]; reachable: boolean | null; transitions: number }>([
    { outcomes: [], reachable: null, transitions: 0 },
    { outcomes: ['ok'], reachable: true, transitions: 0 },
    { outcomes: ['timeout', 'timeout'], reachable: null, transitions: 0 },
    { outcomes: ['timeout', 'timeout', 'auth_failed'], reachable: false, transitions: 0 },
    { outcomes: ['ok', 'timeout', 'ok', 'timeout', 'timeout', 'partial'], reachable: true, transitions: 0 },
    { outcomes: ['ok', 'timeout', 'timeout', 'transport_error'], reachable: false, transitions: 1 },
    { outcomes: ['ok', 'timeout', 'timeout', 'timeout', 'ok'], reachable: false, transitions: 1 },
    { outcomes: ['ok', 'timeout', 'timeout', 'timeout', 'ok', 'partial'], reachable: true, transitions: 2 },
  ])(
    '$outcomes → reachable $reachable after $transitions changes',
    ({ outcomes, reachable, transitions }) => {
      const s = replay(outcomes);
      expect(s.reachable).toBe(reachable);
      expect(s.transitions['reachability']?.length ?? 0).toBe(transitions);
    },
  );
});

describe('trackInterfaces', () => {
  const at = T0;
  it.each([
    { name: 'first sight, up', before: undefined, oper: 'up', admin: 'up', after: 'up', changed: false },
    {
      name: 'first sight, down',
      before: undefined,
      oper: 'down',
      admin: 'up',
      after: 'down',
      changed: false,
    },
    { name: 'up → down', before: 'up', oper: 'down', admin: 'up', after: 'went_down', changed: true },
    {
      name: 'stays went_down',
      before: 'went_down',
      oper: 'down',
      admin: 'up',
      after: 'went_down',
      changed: false,
    },
    { name: 'went_down → up', before: 'went_down', oper: 'up', admin: 'up', after: 'up', changed: true },
    { name: 'switched off', before: 'up', oper: 'down', admin: 'down', after: 'down', changed: true },
    { name: 'never up → up', before: 'down', oper: 'up', admin: 'up', after: 'up', changed: true },
    { name: 'testing says nothing', before: 'up', oper: 'testing', admin: 'up', after: 'up', changed: false },
  ])('$name', ({ before, oper, admin, after, changed }) => {
    const s = trackInterfaces(
      state({ lastStates: before ? { 'interfaces.4': before } : {} }),
      sample({ at, interfaces: { '4': iface('lan3', oper, admin) } }),
    );
    expect(s.lastStates['interfaces.4']).toBe(after);
    expect(s.transitions['interfaces.4']).toEqual(changed ? [at] : undefined);
  });

  it('forgets interfaces gone from the table and keeps reachability', () => {
    const s = trackInterfaces(
      state({
        lastStates: { reachability: 'up', 'interfaces.9': 'up' },
        transitions: { reachability: [T0], 'interfaces.9': [T0] },
      }),
      sample({ interfaces: { '1': iface('pon0', 'up') } }),
    );
    expect(s.lastStates).toEqual({ reachability: 'up', 'interfaces.1': 'up' });
    expect(s.transitions).toEqual({ reachability: [T0] });
  });
});

describe('pruneState', () => {
  it('keeps reboots for the longer of the loop window and an hour, and transitions for the flap window', () => {
    const now = T0;
    const s = pruneState(
      state({
        reboots: [now - 2 * HOUR, now - 59 * MINUTE],
        transitions: { reachability: [now - 11 * MINUTE], 'interfaces.1': [now - 11 * MINUTE, now - MINUTE] },
      }),
      { ...THRESHOLDS, rebootLoopWindowSeconds: 600 },
      now,
    );
    expect(s.reboots).toEqual([now - 59 * MINUTE]);
    expect(s.transitions).toEqual({ 'interfaces.1': [now - MINUTE] });
  });
});
