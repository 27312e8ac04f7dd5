import { describe, expect, it } from 'vitest';
import { DAY, Run, T0, failedPoll, healthy, probe, seededRandom } from './factories.js';

const BOOT = T0 - 5 * DAY;
const K = 3;
const S = 2;

/** Which of `polls` polls are lost, drawn from a seeded PRNG (never Math.random: the run must repeat). */
function lossPattern(seed: number, polls: number, lossRate: number): boolean[] {
  const random = seededRandom(seed);
  return Array.from({ length: polls }, () => random() < lossRate);
}

function longestRun(lost: readonly boolean[]): number {
  let longest = 0;
  let current = 0;
  for (const l of lost) {
    current = l ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

function replay(lost: readonly boolean[]): Run {
  const run = new Run(probe({ thresholds: { unreachableAfterFailures: K, reachableAfterSuccesses: S } }));
  for (const l of lost) run.poll(l ? () => failedPoll('timeout') : healthy(BOOT));
  return run;
}

describe('detect() under random packet loss', () => {
  // With 10% independent loss, K = 3 losses in a row at a given poll has probability 0.1³ = 0.1%, so
  // over 200 polls most seeds never see one. Seed 7 is such a seed (checked below, not assumed).
  it('opens nothing over 200 polls with 10% loss and K = 3', () => {
    const lost = lossPattern(7, 200, 0.1);
    expect(lost.filter(Boolean).length).toBeGreaterThan(10);
    expect(longestRun(lost)).toBeLessThan(K);

    const run = replay(lost);
    expect(run.changes).toEqual([]);
    expect(run.state.findings).toEqual({});
    expect(run.state.transitions).toEqual({});
  });

  // Whatever the seed: unreachable opens exactly when K polls in a row were lost, and clears exactly
  // when S polls in a row answered. 30% loss makes such runs common enough to exercise both.
  it('opens unreachable only after K losses in a row, and clears it only after S answers in a row', () => {
    let opened = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const lost = lossPattern(seed, 200, 0.3);
      const run = replay(lost);
      let open = false;
      for (let poll = 1; poll <= lost.length; poll++) {
        const lastK = lost.slice(Math.max(0, poll - K), poll);
        const lastS = lost.slice(Math.max(0, poll - S), poll);
        const shouldOpen = !open && lastK.length === K && lastK.every(Boolean);
        const shouldClear = open && lastS.length === S && !lastS.some(Boolean);
        const here = run.changes.filter((c) => c.poll === poll && c.finding.kind === 'unreachable');
        const expected = shouldOpen ? ['opened'] : shouldClear ? ['cleared'] : [];
        expect(
          here.map((c) => c.type),
          `seed ${seed}, poll ${poll}`,
        ).toEqual(expected);
        if (shouldOpen) open = true;
        if (shouldClear) open = false;
        opened += shouldOpen ? 1 : 0;
      }
    }
    expect(opened).toBeGreaterThan(50);
  });
});
