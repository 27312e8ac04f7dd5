import { describe, expect, it } from 'vitest';
import { announcedPoll } from '../../src/detection/announced-silence.js';
import { detect } from '../../src/detection/detect.js';
import { DEVICE_ID, okPoll, probe, sample, state, T0 } from './factories.js';

const STATION = probe({
  name: 'base-station',
  thresholds: { unreachableAfterFailures: 2, reachableAfterSuccesses: 1 },
});
const GASP = { alarm: 'dying_gasp', reportedBy: DEVICE_ID } as const;

describe('a silence announced by a trap', () => {
  it('makes a base station down at once, saying which trap told', () => {
    const { state: after, changes } = detect({
      probe: STATION,
      device: { id: DEVICE_ID, kind: 'base_station' },
      state: state({ reachable: true, consecutiveSuccesses: 12 }),
      poll: announcedPoll(DEVICE_ID, GASP),
      rates: {},
      now: T0,
      announced: GASP,
    });
    expect(after.reachable).toBe(false);
    expect(changes.map((c) => [c.type, c.finding.kind])).toEqual([['opened', 'base_station_down']]);
    expect(changes[0]!.finding.evidence.summary).toBe(`power lost: dying gasp trap from ${DEVICE_ID}`);
    expect(changes[0]!.finding.evidence.values).toMatchObject({ alarm: 'dying_gasp', reportedBy: DEVICE_ID });
  });

  it('is taken back by the next answer (a forged trap costs one finding)', () => {
    const los = { alarm: 'loss_of_signal', reportedBy: 'an-0001' } as const;
    const cpe = probe({ thresholds: { reachableAfterSuccesses: 1 } });
    const announced = detect({
      probe: cpe,
      device: { id: DEVICE_ID, kind: 'cpe' },
      state: state({ reachable: true }),
      poll: announcedPoll(DEVICE_ID, los),
      rates: {},
      now: T0,
      announced: los,
    });
    const next = detect({
      probe: cpe,
      device: { id: DEVICE_ID, kind: 'cpe' },
      state: announced.state,
      poll: okPoll(sample({ at: T0 + 1_000 })),
      rates: {},
      now: T0 + 1_000,
    });
    expect(next.state.reachable).toBe(true);
    expect(next.changes.map((c) => [c.type, c.finding.kind])).toEqual([['cleared', 'unreachable']]);
  });

  it("opens a CPE's unreachable on its parent's loss-of-signal alarm, naming the parent", () => {
    const los = { alarm: 'loss_of_signal', reportedBy: 'an-0001' } as const;
    const { changes } = detect({
      probe: probe(),
      device: { id: DEVICE_ID, kind: 'cpe' },
      state: state({ reachable: true }),
      poll: announcedPoll(DEVICE_ID, los),
      rates: {},
      now: T0,
      announced: los,
    });
    expect(changes.map((c) => [c.type, c.finding.kind, c.finding.evidence.summary])).toEqual([
      ['opened', 'unreachable', 'loss of signal reported by an-0001'],
    ]);
  });

  it('without a trap, one failed poll opens nothing (the announcement is what skips the count)', () => {
    const { changes } = detect({
      probe: STATION,
      device: { id: DEVICE_ID, kind: 'base_station' },
      state: state({ reachable: true }),
      poll: announcedPoll(DEVICE_ID, GASP),
      rates: {},
      now: T0,
    });
    expect(changes).toEqual([]);
  });
});
