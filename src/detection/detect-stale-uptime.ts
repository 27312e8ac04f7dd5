import { numberOf, type Condition, type DetectorContext, type Judgement } from './detector.js';
import { formatDuration } from './format-evidence.js';

const KINDS = ['stale_uptime'] as const;

/**
 * stale_uptime: up longer than the probe's staleUptimeSeconds (home routers leak memory and state
 * over weeks; "up 41 days" is the first thing a support agent wants to know). Uptime is carried
 * across TimeTicks wraps by trackUptime. Uptime is not a noisy measure and a reboot is a fact, so the
 * finding opens at the first poll that shows it and clears at the first poll after a reboot: no
 * hysteresis to wait through (an agent opening a conversation sees it after one poll).
 */
export function detectStaleUptime(ctx: DetectorContext): Judgement {
  const uptime = ctx.state.uptimeSeconds;
  if (numberOf(ctx.sample?.scalars['sysUpTime']) === undefined || uptime === undefined) {
    return { kinds: KINDS, present: [], unknown: 'all' };
  }
  const threshold = ctx.probe.thresholds.staleUptimeSeconds;
  const present: Condition[] = [];
  if (uptime > threshold) {
    present.push({
      kind: 'stale_uptime',
      severity: 'minor',
      evidence: {
        summary: `up ${formatDuration(uptime)}`,
        values: {
          days: Math.floor(uptime / 86_400),
          uptimeSeconds: Math.round(uptime),
          thresholdSeconds: threshold,
        },
      },
      // A week more of uptime is worth telling; a day is not.
      significant: { value: 'days', absolute: 7 },
    });
  }
  return { kinds: KINDS, present, unknown: 'none', openAfterPolls: 1, clearAfterPolls: 1 };
}
