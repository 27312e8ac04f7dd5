import type { Condition, DetectorContext, Judgement } from './detector.js';
import { formatCount, formatWindow } from './format-evidence.js';

const KINDS = ['reboot_loop'] as const;

/**
 * reboot_loop (major): at least rebootLoopCount unexpected reboots inside rebootLoopWindowSeconds — a
 * power supply or firmware failing, which no remote reboot will cure. Each counted reboot is already
 * a fact, so it opens at once; it clears after clearAfterPolls polls with fewer reboots in the window.
 * Reboots can only be seen while the device answers, so a silent device keeps the finding as it is.
 */
export function detectRebootLoop(ctx: DetectorContext): Judgement {
  if (!ctx.sample) return { kinds: KINDS, present: [], unknown: 'all' };
  const { rebootLoopCount, rebootLoopWindowSeconds } = ctx.probe.thresholds;
  const since = ctx.now - rebootLoopWindowSeconds * 1000;
  const reboots = ctx.state.reboots.filter((t) => t > since && t <= ctx.now).length;
  const present: Condition[] = [];
  if (reboots >= rebootLoopCount) {
    present.push({
      kind: 'reboot_loop',
      severity: 'major',
      evidence: {
        summary: `rebooted ${formatCount(reboots)} times in ${formatWindow(rebootLoopWindowSeconds)}`,
        values: { reboots, windowSeconds: rebootLoopWindowSeconds },
      },
      significant: { value: 'reboots', absolute: 1 },
    });
  }
  return { kinds: KINDS, present, unknown: 'none', openAfterPolls: 1 };
}
