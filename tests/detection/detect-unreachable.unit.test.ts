import { describe, expect, it } from 'vitest';
import { detectUnreachable } from '../../src/detection/detect-unreachable.js';
import type { PollResult } from '../../src/probes/poll-result.js';
import type { DeviceKind } from '../../src/probes/probe-types.js';
import { DEVICE_ID, context, failedPoll, isUnknown, okPoll, presentOf, state } from './factories.js';

interface Case {
  name: string;
  kind: DeviceKind;
  /** The debounced reachability after this poll (trackReachability). */
  reachable: boolean | null;
  poll: PollResult;
  failures: number;
  expected: unknown[];
  unknown?: boolean;
}

describe('detectUnreachable', () => {
  const cases: Case[] = [
    { name: 'an answer', kind: 'cpe', reachable: true, poll: okPoll(), failures: 0, expected: [] },
    { name: 'one lost packet', kind: 'cpe', reachable: true, poll: failedPoll(), failures: 1, expected: [] },
    {
      name: 'no answer yet, ever',
      kind: 'cpe',
      reachable: null,
      poll: failedPoll(),
      failures: 2,
      expected: [],
    },
    {
      name: 'an answer while recovering',
      kind: 'cpe',
      reachable: false,
      poll: okPoll(undefined, 'partial'),
      failures: 0,
      expected: [],
      unknown: true,
    },
    {
      name: 'a CPE timing out',
      kind: 'cpe',
      reachable: false,
      poll: failedPoll('timeout'),
      failures: 3,
      expected: [['unreachable', undefined, 'major', 'no answer to 3 polls in a row']],
    },
    {
      name: 'a CPE behind a network error',
      kind: 'cpe',
      reachable: false,
      poll: failedPoll('transport_error'),
      failures: 1,
      expected: [['unreachable', undefined, 'major', 'no answer to 1 poll in a row (network error)']],
    },
    {
      name: 'a CPE rejecting our credentials',
      kind: 'cpe',
      reachable: false,
      poll: failedPoll('auth_failed'),
      failures: 4,
      expected: [['unreachable', undefined, 'major', 'SNMP credentials rejected']],
    },
    {
      name: 'an access node timing out',
      kind: 'access_node',
      reachable: false,
      poll: failedPoll('timeout'),
      failures: 1_200,
      expected: [['unreachable', undefined, 'critical', 'no answer to 1,200 polls in a row']],
    },
    {
      name: 'a base station timing out',
      kind: 'base_station',
      reachable: false,
      poll: failedPoll('timeout'),
      failures: 3,
      expected: [['base_station_down', undefined, 'critical', 'no answer to 3 polls in a row']],
    },
  ];

  it.each(cases)('judges $name', ({ kind, reachable, poll, failures, expected, unknown }) => {
    const j = detectUnreachable(
      context({
        poll,
        device: { id: DEVICE_ID, kind },
        state: state({ reachable, consecutiveFailures: failures }),
      }),
    );
    const findingKind = kind === 'base_station' ? 'base_station_down' : 'unreachable';
    expect(presentOf(j)).toEqual(expected);
    expect(isUnknown(j, findingKind)).toBe(unknown ?? false);
    expect(j.kinds).toEqual([findingKind]);
  });

  it('opens and clears at once: the debouncing with the probe’s own counts is trackReachability’s', () => {
    const j = detectUnreachable(context({ poll: failedPoll(), state: state({ reachable: false }) }));
    expect([j.openAfterPolls, j.clearAfterPolls]).toEqual([1, 1]);
  });

  it('carries the raw numbers in values', () => {
    const j = detectUnreachable(
      context({
        poll: failedPoll('auth_failed'),
        state: state({ reachable: false, consecutiveFailures: 3 }),
      }),
    );
    expect(j.present[0]?.evidence.values).toEqual({ failures: 3, outcome: 'auth_failed' });
  });
});
