import type { Thresholds } from '../probes/probe-types.js';
import type { DetectionState } from './detection-state.js';

/** unexpected_reboot stays open for an hour of steady uptime, so reboots are kept at least that long. */
export const UNEXPECTED_REBOOT_HOLD_SECONDS = 3600;

/**
 * Drops what no detector can look at any more, so a device's state stays a few hundred bytes: reboots
 * older than the reboot-loop window (or the unexpected-reboot hour, whichever is longer) and
 * transitions older than the flap window; keys left without transitions go.
 */
export function pruneState(state: DetectionState, thresholds: Thresholds, now: number): DetectionState {
  const rebootHorizon =
    now - Math.max(thresholds.rebootLoopWindowSeconds, UNEXPECTED_REBOOT_HOLD_SECONDS) * 1000;
  const flapHorizon = now - thresholds.flapWindowSeconds * 1000;
  const staleReboot = state.reboots.some((t) => t <= rebootHorizon);
  let staleTransition = false;
  for (const key in state.transitions)
    if ((state.transitions[key] as number[]).some((t) => t <= flapHorizon)) staleTransition = true;
  // Nothing to drop (most polls): the state as it is, not a copy of it.
  if (!staleReboot && !staleTransition) return state;
  const transitions: Record<string, number[]> = {};
  for (const [key, times] of Object.entries(state.transitions)) {
    const kept = times.filter((t) => t > flapHorizon);
    if (kept.length > 0) transitions[key] = kept;
  }
  return { ...state, reboots: state.reboots.filter((t) => t > rebootHorizon), transitions };
}
