import { describe, expect, it } from 'vitest';
import { detectFlapping } from '../../src/detection/detect-flapping.js';
import { MINUTE, T0, context, failedPoll, isUnknown, presentOf, sample, state } from './factories.js';

const times = (n: number, everyMinutes = 1): number[] =>
  Array.from({ length: n }, (_, i) => T0 - (i + 1) * everyMinutes * MINUTE);

describe('detectFlapping (4 changes in 10 minutes)', () => {
  it.each<{ name: string; transitions: Record<string, number[]>; expected: unknown[] }>([
    { name: 'no changes', transitions: {}, expected: [] },
    { name: 'three changes', transitions: { 'interfaces.2': times(3) }, expected: [] },
    {
      name: 'four changes of a LAN port',
      transitions: { 'interfaces.2': times(4) },
      expected: [
        ['flapping', 'interfaces.2', 'minor', 'interface lan1 changed 4 times in the last 10 minutes'],
      ],
    },
    { name: 'four changes over 16 minutes', transitions: { 'interfaces.2': times(4, 4) }, expected: [] },
    {
      name: 'reachability changing',
      transitions: { reachability: times(6) },
      expected: [
        ['flapping', 'reachability', 'minor', 'reachability changed 6 times in the last 10 minutes'],
      ],
    },
    {
      name: 'an interface no longer in the table',
      transitions: { 'interfaces.9': times(5) },
      expected: [
        ['flapping', 'interfaces.9', 'minor', 'interface ifIndex 9 changed 5 times in the last 10 minutes'],
      ],
    },
  ])('$name', ({ transitions, expected }) => {
    expect(presentOf(detectFlapping(context({ state: state({ transitions }) })))).toEqual(expected);
  });

  it('still judges reachability when the device does not answer, but not its interfaces', () => {
    const transitions = { reachability: times(4), 'interfaces.2': times(4) };
    const j = detectFlapping(context({ poll: failedPoll(), state: state({ transitions }) }));
    expect(presentOf(j).map((p) => p[1])).toEqual(['reachability']);
    expect(isUnknown(j, 'flapping', 'reachability')).toBe(false);
    expect(isUnknown(j, 'flapping', 'interfaces.2')).toBe(true);
  });

  it('knows interfaces when the table came back', () => {
    const j = detectFlapping(context({ sample: sample(), state: state() }));
    expect(isUnknown(j, 'flapping', 'interfaces.2')).toBe(false);
  });
});
