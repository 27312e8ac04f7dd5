import type { PollResult } from '../probes/poll-result.js';
import type { Thresholds } from '../probes/probe-types.js';
import type { DetectionState } from './detection-state.js';

/**
 * A device's silence told by a trap rather than found by polls: its own dying gasp (power lost), or
 * the loss of signal its parent reports for it. `reportedBy` is the device that sent the trap.
 */
export interface SilenceAnnouncement {
  alarm: 'dying_gasp' | 'loss_of_signal';
  reportedBy: string;
}

/**
 * The failed poll an announcement stands for: nothing was sent, so it took no time and no PDU. Its
 * reason names the trap, so `GET /v1/devices/{id}` says why the device is down without a poll.
 */
export function announcedPoll(deviceId: string, announcement: SilenceAnnouncement): PollResult {
  return {
    deviceId,
    outcome: 'timeout',
    reason: `${announcement.alarm} announced by a trap from ${announcement.reportedBy}`,
    meta: { durationMs: 0, retries: 0, pdus: 0 },
  };
}

/**
 * The state as if the polls before this one had already failed up to one short of the threshold, so
 * that the announced poll makes the device unreachable at once: the trap is the evidence the
 * confirming polls would have given. The next real answer clears it (reachableAfterSuccesses), so a
 * forged trap costs one finding that the next poll takes back.
 */
export function primeAnnouncedSilence(state: DetectionState, thresholds: Thresholds): DetectionState {
  const failures = Math.max(state.consecutiveFailures, thresholds.unreachableAfterFailures - 1);
  return { ...state, consecutiveFailures: failures };
}

/** The finding's wording when a trap, not polls, said the device is silent. */
export function announcedSummary(announcement: SilenceAnnouncement): string {
  return announcement.alarm === 'dying_gasp'
    ? `power lost: dying gasp trap from ${announcement.reportedBy}`
    : `loss of signal reported by ${announcement.reportedBy}`;
}
