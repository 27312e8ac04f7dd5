import type { PollOutcome } from '../probes/poll-result.js';
import type { Thresholds } from '../probes/probe-types.js';
import type { DetectionState } from './detection-state.js';

/** The outcomes in which the device gave no usable answer. A partial answer is an answer. */
export function isFailedOutcome(outcome: PollOutcome): boolean {
  return (
    outcome === 'timeout' ||
    outcome === 'transport_error' ||
    outcome === 'auth_failed' ||
    outcome === 'malformed'
  );
}

/**
 * `no_credentials`: nothing was sent (the device's auth profile is not configured here), so the poll
 * says nothing about the device, either way: it is not a failure (a device we cannot ask is not
 * unreachable, and must not open an `unreachable` finding or count towards an outage) nor an answer.
 */
export function isUnaskedOutcome(outcome: PollOutcome): boolean {
  return outcome === 'no_credentials';
}

/**
 * Counts consecutive failures and successes and derives `reachable` with the probe's own hysteresis:
 * false after unreachableAfterFailures failures in a row, true again after reachableAfterSuccesses
 * successes (or at the first answer ever). Flapping counts changes of this debounced state, never of
 * single polls, so that packet loss is not mistaken for a flapping link.
 */
export function trackReachability(
  state: DetectionState,
  outcome: PollOutcome,
  thresholds: Thresholds,
  now: number,
): DetectionState {
  // Counts, reachability and flaps stay as they were; only "when and how we last tried" moves.
  if (isUnaskedOutcome(outcome)) return { ...state, lastPollAt: now, lastOutcome: outcome };
  const failed = isFailedOutcome(outcome);
  const consecutiveFailures = failed ? state.consecutiveFailures + 1 : 0;
  const consecutiveSuccesses = failed ? 0 : state.consecutiveSuccesses + 1;

  let reachable = state.reachable;
  if (failed && consecutiveFailures >= thresholds.unreachableAfterFailures) reachable = false;
  if (!failed && (reachable === null || consecutiveSuccesses >= thresholds.reachableAfterSuccesses)) {
    reachable = true;
  }

  const changed = state.reachable !== null && reachable !== state.reachable;
  const transitions = changed
    ? { ...state.transitions, reachability: [...(state.transitions['reachability'] ?? []), now] }
    : state.transitions;
  const remembered = reachable === null ? undefined : reachable ? 'up' : 'down';
  // Copied only when it moves: most polls find the device as it was.
  const lastStates =
    remembered === undefined || state.lastStates['reachability'] === remembered
      ? state.lastStates
      : { ...state.lastStates, reachability: remembered };

  return {
    ...state,
    consecutiveFailures,
    consecutiveSuccesses,
    reachable,
    transitions,
    lastStates,
    lastPollAt: now,
    lastOutcome: outcome,
  };
}
