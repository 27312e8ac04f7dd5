import { isFailedOutcome, isUnaskedOutcome } from '../detection/track-reachability.js';
import type { PollOutcome } from '../probes/poll-result.js';

/**
 * The outage check: when a device with children fails a poll, it is polled again at once together
 * with a sample of its children, in rounds a moment apart. A parent that keeps failing while (nearly)
 * all of its sampled children fail too is no lost packet and no dead management plane: its silence is
 * confirmed, and correlation may announce the outage without waiting out the settle time.
 */
export interface OutageCheckConfig {
  /** Children polled with the parent in each round; 0 turns the check off. */
  sampleSize: number;
  /** Share of the sampled children (those asked) that must fail with the parent in a round. */
  silentShare: number;
  /** Rounds that must all fail before the silence is confirmed; one when a trap announced it. */
  rounds: number;
  announcedRounds: number;
  /** Between two rounds: apart enough that one burst of loss does not fail both. */
  roundDelayMs: number;
  /** At most one check of a parent starts in this long, whatever polls or traps ask. */
  cooldownMs: number;
}

/**
 * With 30% of requests lost (README "Correlation" works the numbers): a base-station poll (3 attempts)
 * fails with p = 0.3³ = 0.027, a CPE poll (2 attempts) with 0.3² = 0.09. Confirming needs the parent's
 * scheduled poll and both rounds to fail (0.027³ ≈ 2.0e-5) and, in each round, at least 4 of the 5
 * sampled CPEs (P ≈ 5·0.09⁴·0.91 + 0.09⁵ ≈ 3.0e-4, squared ≈ 9.2e-8): ≈ 1.8e-12 per parent and
 * interval: for 1,000 base stations polled every 30 s under that loss for good, one in about 500 years.
 * After a dying gasp one round of children suffices (the trap's own re-poll of the parent takes the
 * finding back if it answers): a forged gasp under the same loss confirms with 0.027 × 3.0e-4 ≈ 8e-6,
 * at most once per parent per cooldown.
 */
export const DEFAULT_OUTAGE_CHECK_CONFIG: OutageCheckConfig = {
  sampleSize: 5,
  silentShare: 0.8,
  rounds: 2,
  announcedRounds: 1,
  roundDelayMs: 500,
  cooldownMs: 30_000,
};

/**
 * Up to `size` children spread evenly over the sorted list (not the first few: children are often
 * numbered by port or by cell, and a dead port should not stand for the whole parent).
 */
export function sampleChildren(children: readonly string[], size: number): string[] {
  const sorted = [...children].sort();
  if (sorted.length <= size) return sorted;
  return Array.from({ length: size }, (_, i) => sorted[Math.floor((i * sorted.length) / size)] as string);
}

export interface RoundVerdict {
  parentSilent: boolean;
  /** Sampled children asked (credentials configured), and of those, how many failed. */
  asked: number;
  silent: number;
  /** The parent failed and at least silentShare of the children asked failed with it. */
  confirms: boolean;
}

/** One round's polls → whether they confirm the parent's silence (pure). */
export function judgeRound(
  parentOutcome: PollOutcome | undefined,
  childOutcomes: readonly PollOutcome[],
  silentShare: number,
): RoundVerdict {
  const parentSilent = parentOutcome !== undefined && isFailedOutcome(parentOutcome);
  const asked = childOutcomes.filter((o) => !isUnaskedOutcome(o));
  const silent = asked.filter(isFailedOutcome).length;
  // No child asked: nothing below says the parent's silence is more than its management plane.
  const confirms = parentSilent && asked.length > 0 && silent >= Math.ceil(silentShare * asked.length);
  return { parentSilent, asked: asked.length, silent, confirms };
}
