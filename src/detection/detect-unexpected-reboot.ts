import type { Condition, DetectorContext, Judgement } from './detector.js';
import { UNEXPECTED_REBOOT_HOLD_SECONDS } from './prune-state.js';
import { bootToleranceMs } from './track-uptime.js';

const KINDS = ['unexpected_reboot'] as const;

/** "2026-11-22 12:04 UTC": an absolute time stays true when the summary is read an hour later. */
function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * unexpected_reboot (info): the device booted again and nobody here asked it to (trackUptime records
 * only reboots not covered by `expectedRebootUntil`, and never a TimeTicks wrap). It opens at once —
 * a reset uptime is a fact, not noise — and stays while the last such reboot is less than an hour old:
 * the hour of steady uptime is its hysteresis, so it clears at the first poll after that hour. While
 * the device does not answer nothing is known about its uptime.
 */
export function detectUnexpectedReboot(ctx: DetectorContext): Judgement {
  if (!ctx.sample) return { kinds: KINDS, present: [], unknown: 'all' };
  const last = ctx.state.reboots.at(-1);
  const present: Condition[] = [];
  if (last !== undefined && ctx.now - last < UNEXPECTED_REBOOT_HOLD_SECONDS * 1000) {
    present.push({
      kind: 'unexpected_reboot',
      severity: 'info',
      evidence: {
        summary: `rebooted unexpectedly at ${utcMinute(last)}`,
        values: { bootAt: new Date(last).toISOString(), bootAtMs: last },
      },
      // Another reboot within the hour moves the boot time: worth an update.
      significant: { value: 'bootAtMs', absolute: bootToleranceMs(ctx.probe) },
    });
  }
  return { kinds: KINDS, present, unknown: 'none', openAfterPolls: 1, clearAfterPolls: 1 };
}
