import { describe, expect, it } from 'vitest';
import { run, star } from './fixtures.js';

const SETTLE = { settleMs: 90_000, resolveAfterMs: 60_000 };

describe('an outage whose silence an outage check confirmed', () => {
  it('opens at once, without the settle time, listing every subscriber behind the root', () => {
    const fleet = star('bs-1', 10);
    const { log, last } = run(
      fleet.topology,
      [
        { at: 0, down: ['bs-1'] },
        { at: 12, down: ['bs-1'], confirmedSilent: ['bs-1'] },
      ],
      { config: SETTLE },
    );
    expect(log).toEqual(['12s opened outage:bs-1']);
    expect(last.incidents[0]?.affectedSubscriberIds).toEqual(fleet.subscribers);
  });

  it('opens in the very step its first sign appears when the check came first', () => {
    const fleet = star('bs-1', 10);
    const { log } = run(fleet.topology, [{ at: 0, down: ['bs-1'], confirmedSilent: ['bs-1'] }], {
      config: SETTLE,
    });
    expect(log).toEqual(['0s opened outage:bs-1']);
  });

  it('still settles when a device below answers (the root is ambiguous), and never lists its subscriber', () => {
    const fleet = star('bs-1', 10);
    const answering = fleet.children.slice(0, 2);
    const down = ['bs-1', ...fleet.children.slice(2, 8)];
    const { log, last } = run(
      fleet.topology,
      [
        { at: 0, down, answering, confirmedSilent: ['bs-1'] },
        { at: 30, down, answering, confirmedSilent: ['bs-1'] },
        { at: 90, down, answering, confirmedSilent: ['bs-1'] },
      ],
      { config: SETTLE },
    );
    expect(log).toEqual(['90s opened outage:bs-1']);
    expect(last.incidents[0]?.affectedSubscriberIds).not.toContain(fleet.subscribers[0]);
    expect(last.incidents[0]?.affectedSubscriberIds).not.toContain(fleet.subscribers[1]);
  });

  it('still settles for children unreachable under an answering parent', () => {
    const fleet = star('an-1', 10);
    const { log } = run(
      fleet.topology,
      [
        { at: 0, down: fleet.children.slice(0, 6), confirmedSilent: ['an-1'] },
        { at: 60, down: fleet.children.slice(0, 6), confirmedSilent: ['an-1'] },
        { at: 90, down: fleet.children.slice(0, 6), confirmedSilent: ['an-1'] },
      ],
      { config: SETTLE },
    );
    expect(log).toEqual(['90s opened outage:an-1']);
  });

  it('does not hasten another parent: the confirmation is per root', () => {
    const fleet = star('bs-1', 10);
    const { log } = run(fleet.topology, [{ at: 0, down: ['bs-1'], confirmedSilent: ['bs-2'] }], {
      config: SETTLE,
    });
    expect(log).toEqual([]);
  });
});
