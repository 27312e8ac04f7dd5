import { describe, expect, it } from 'vitest';
import { detect } from '../../src/detection/detect.js';
import type { DetectionState } from '../../src/detection/detection-state.js';
import type { TrapNamed } from '../../src/detection/trap-named.js';
import type { PollResult } from '../../src/probes/poll-result.js';
import {
  DEVICE_ID,
  HEALTHY_INTERFACES,
  T0,
  failedPoll,
  iface,
  kindsOf,
  okPoll,
  probe,
  sample,
  state,
} from './factories.js';

const PROBE = probe(); // openAfterPolls 3: a condition no trap named waits three polls
const LINK_DOWN_1: TrapNamed = [
  { kind: 'wan_down', subject: '1' },
  { kind: 'interface_down', subject: '1' },
];
const LINK_DOWN_2: TrapNamed = [
  { kind: 'wan_down', subject: '2' },
  { kind: 'interface_down', subject: '2' },
];
const PON_DOWN = { ...HEALTHY_INTERFACES, '1': iface('pon0', 'down') };
const LAN_DOWN = { ...HEALTHY_INTERFACES, '2': iface('lan1', 'down') };

/** The state after one healthy poll: the device answered, its interfaces were seen up. */
function afterHealthyPoll(): DetectionState {
  return detect({
    probe: PROBE,
    device: { id: DEVICE_ID, kind: 'cpe' },
    state: state(),
    poll: okPoll(sample({ at: T0 })),
    rates: {},
    now: T0,
  }).state;
}

/** One poll after `before`, with what a trap named if it asked for it. */
function poll(before: DetectionState, result: PollResult, trapNamed?: TrapNamed, at = T0 + 60_000) {
  return detect({
    probe: PROBE,
    device: { id: DEVICE_ID, kind: 'cpe' },
    state: before,
    poll: result,
    rates: {},
    now: at,
    ...(trapNamed ? { trapNamed } : {}),
  });
}

const answer = (interfaces: typeof HEALTHY_INTERFACES, at = T0 + 60_000): PollResult =>
  okPoll(sample({ at, interfaces }));

describe('a condition the device’s own trap named', () => {
  it('opens at the first poll that agrees (linkDown of the PON, the re-poll shows it down)', () => {
    const out = poll(afterHealthyPoll(), answer(PON_DOWN), LINK_DOWN_1);
    expect(kindsOf(out.changes)).toEqual(['opened wan_down:1']);
    expect(out.state.findings[`${DEVICE_ID}:wan_down:1`]?.evidence.summary).toBe(
      'upstream interface pon0 is down (admin up, oper down)',
    );
    expect(out.state.pending).toEqual({});
  });

  it('opens a LAN port that went down, named by its linkDown, at once too', () => {
    const out = poll(afterHealthyPoll(), answer(LAN_DOWN), LINK_DOWN_2);
    expect(kindsOf(out.changes)).toEqual(['opened interface_down:2']);
  });

  it('opens nothing when the poll disagrees: a forged linkDown, the interface up', () => {
    const out = poll(afterHealthyPoll(), answer(HEALTHY_INTERFACES), LINK_DOWN_1);
    expect(out.changes).toEqual([]);
    expect(out.state.findings).toEqual({});
    expect(out.state.pending).toEqual({});
  });

  it('opens nothing when the device does not answer the re-poll', () => {
    const out = poll(afterHealthyPoll(), failedPoll(), LINK_DOWN_1);
    expect(out.changes).toEqual([]);
    expect(Object.keys(out.state.findings)).toEqual([]);
  });

  it('opens nothing it did not name: a linkDown of the LAN port while the PON is the one down', () => {
    const out = poll(afterHealthyPoll(), answer(PON_DOWN), LINK_DOWN_2);
    expect(out.changes).toEqual([]);
    // The PON's own streak has begun, as for any poll: it still needs its polls in a row.
    expect(out.state.pending[`${DEVICE_ID}:wan_down:1`]).toEqual({ present: 1, absent: 0 });
  });

  it('leaves other kinds to their hysteresis (a CPU ceiling is not what a linkDown names)', () => {
    const busy = okPoll(sample({ at: T0 + 60_000, interfaces: PON_DOWN, scalars: { cpuLoad: 99 } }));
    const out = poll(afterHealthyPoll(), busy, LINK_DOWN_1);
    expect(kindsOf(out.changes)).toEqual(['opened wan_down:1']);
    expect(Object.keys(out.state.pending)).toEqual([`${DEVICE_ID}:resource_exhaustion:cpu`]);
  });
});

describe('without a trap', () => {
  it('a down PON still waits for openAfterPolls polls in a row', () => {
    let s = afterHealthyPoll();
    const opened: string[][] = [];
    for (let i = 1; i <= 3; i++) {
      const out = poll(s, answer(PON_DOWN, T0 + i * 60_000), undefined, T0 + i * 60_000);
      s = out.state;
      opened.push(kindsOf(out.changes));
    }
    expect(opened).toEqual([[], [], ['opened wan_down:1']]);
  });

  it('a trap naming the PON on an earlier poll does not carry over to the next one', () => {
    const first = poll(afterHealthyPoll(), answer(HEALTHY_INTERFACES), LINK_DOWN_1);
    const second = poll(first.state, answer(PON_DOWN, T0 + 120_000), undefined, T0 + 120_000);
    expect(second.changes).toEqual([]);
  });
});
