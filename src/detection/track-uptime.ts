import type { PollSample } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';
import type { DetectionState } from './detection-state.js';
import { numberOf } from './detector.js';

/** sysUpTime is 32-bit TimeTicks (hundredths of a second, RFC 2578 §7.1.8): it wraps after ≈ 497.1 days. */
export const UPTIME_WRAP_SECONDS = 2 ** 32 / 100;

/**
 * How far the derived boot time may wander between two consecutive polls and still be the same boot.
 * sysUpTime is read when the agent answers and the sample is stamped when the answer arrives, so two
 * derivations differ by the answers' transit time, at most the request budget (timeout × tries), and
 * by clock drift, milliseconds over one interval. Anything more is a reboot — however often it happens:
 * a device that reboots every 90 s, polled every 60 s, moves its boot time 90 s each time.
 */
export function bootToleranceMs(probe: Probe): number {
  return Math.max(3_000, probe.timeoutMs * (probe.retries + 1) + 2_000);
}

/**
 * Carries uptime across TimeTicks wraps and notices reboots. The boot time (sample time − uptime)
 * stays put while a device runs; it moves forward when the device rebooted. A wrap also moves it
 * forward by 497 days' worth, so before calling a move a reboot we try one more wrap: if that puts the
 * boot time back where it was, the counter wrapped (a drop from near 2^32 ticks, RFC 2578) and the
 * device did not reboot. Unexpected reboots (not before `expectedRebootUntil`, which an action sets
 * before it reboots the device) are recorded in `reboots` by their boot time.
 */
export function trackUptime(state: DetectionState, sample: PollSample, probe: Probe): DetectionState {
  const raw = numberOf(sample.scalars['sysUpTime']);
  if (raw === undefined || raw < 0) return state;
  const bootAtWith = (wraps: number): number => sample.at - (raw + wraps * UPTIME_WRAP_SECONDS) * 1000;
  const tolerance = bootToleranceMs(probe);

  let wraps = state.uptimeWraps;
  let reboots = state.reboots;
  const previous = state.bootAt;
  if (previous !== undefined && bootAtWith(wraps) - previous > tolerance) {
    if (Math.abs(bootAtWith(wraps + 1) - previous) <= tolerance) {
      wraps += 1;
    } else {
      wraps = 0;
      const bootAt = bootAtWith(0);
      const expected = state.expectedRebootUntil !== undefined && bootAt <= state.expectedRebootUntil;
      if (!expected) reboots = [...reboots, bootAt];
    }
  }
  return {
    ...state,
    uptimeWraps: wraps,
    uptimeSeconds: raw + wraps * UPTIME_WRAP_SECONDS,
    bootAt: bootAtWith(wraps),
    reboots,
  };
}
