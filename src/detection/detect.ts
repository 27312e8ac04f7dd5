import type { PollResult, Rates } from '../probes/poll-result.js';
import type { DeviceKind, Probe } from '../probes/probe-types.js';
import { primeAnnouncedSilence, type SilenceAnnouncement } from './announced-silence.js';
import { applyHysteresis } from './apply-hysteresis.js';
import { detectCells } from './detect-cells.js';
import { detectErrorRate, ERROR_RATE_COUNTER } from './detect-error-rate.js';
import { detectFlapping } from './detect-flapping.js';
import { detectInterfaceDown } from './detect-interface-down.js';
import { detectLowSignal } from './detect-low-signal.js';
import { detectRebootLoop } from './detect-reboot-loop.js';
import { detectResourceExhaustion } from './detect-resource-exhaustion.js';
import { detectStaleUptime } from './detect-stale-uptime.js';
import { detectUnexpectedReboot } from './detect-unexpected-reboot.js';
import { detectUnreachable } from './detect-unreachable.js';
import type { DetectionState } from './detection-state.js';
import type { Detector, DetectorContext } from './detector.js';
import type { FindingChange } from './finding.js';
import { pruneState } from './prune-state.js';
import { isFailedOutcome, trackReachability } from './track-reachability.js';
import { trackInterfaces } from './track-interfaces.js';
import { trackUptime } from './track-uptime.js';
import { namedIds, type TrapNamed } from './trap-named.js';

export interface DetectInput {
  probe: Probe;
  device: { id: string; kind: DeviceKind };
  state: DetectionState;
  poll: PollResult;
  /** Per-second counter rates since the previous sample, computed by the caller; null = unknown. */
  rates: Rates;
  /** The time of this detection (ms since epoch): detection never reads a clock. */
  now: number;
  /**
   * A trap announced the device's silence, and `poll` is announcedPoll(): it counts as the failure
   * that makes the device unreachable, without the polls that would confirm it.
   */
  announced?: SilenceAnnouncement;
  /** What the device's own trap named, `poll` being the re-poll it asked for (see trap-named.ts). */
  trapNamed?: TrapNamed;
}

export interface DetectOutput {
  state: DetectionState;
  changes: FindingChange[];
}

/**
 * The counters whose rates detection reads: a poll computes only these (compute-rates.ts), not the
 * rate of every octet and packet counter of every row. A detector that reads another rate adds it here.
 */
export const RATES_READ: ReadonlySet<string> = new Set([ERROR_RATE_COUNTER]);

/**
 * Every detector, in the order their changes are reported: whether the device answers first, then
 * what is down, then what is degrading, then its history.
 */
export const DETECTORS: readonly Detector[] = [
  detectUnreachable,
  detectCells,
  detectInterfaceDown,
  detectErrorRate,
  detectLowSignal,
  detectResourceExhaustion,
  detectRebootLoop,
  detectUnexpectedReboot,
  detectStaleUptime,
  detectFlapping,
];

/**
 * One poll of one device → its findings' changes. Pure: the input state is not touched, a new state is
 * returned. First the state tracks what the poll says (reachability counters, uptime across TimeTicks
 * wraps, reboots, interface transitions) and is pruned; then every detector judges the poll; then the
 * shared hysteresis turns judgements into opened, updated and cleared findings (a condition the
 * device's trap named, this poll agreeing, at once).
 */
export function detect(input: DetectInput): DetectOutput {
  const { probe, device, poll, rates, now, announced, trapNamed } = input;
  const sample = isFailedOutcome(poll.outcome) ? undefined : poll.sample;

  const before = announced ? primeAnnouncedSilence(input.state, probe.thresholds) : input.state;
  let state = trackReachability(before, poll.outcome, probe.thresholds, now);
  if (sample) {
    state = trackInterfaces(trackUptime(state, sample, probe), sample);
    state = { ...state, lastSample: sample };
  }
  state = pruneState(state, probe.thresholds, now);

  // Literals without spreads: a conditional `...{}` took V8's slow path at every poll.
  const ctx: DetectorContext = { probe, device, state, poll, sample, rates, now, announced };
  const { pending, findings, changes } = applyHysteresis({
    deviceId: device.id,
    thresholds: probe.thresholds,
    judgements: DETECTORS.map((run) => run(ctx)),
    pending: state.pending,
    findings: state.findings,
    now,
    openAtOnce: trapNamed ? namedIds(device.id, trapNamed) : undefined,
  });
  return { state: { ...state, pending, findings }, changes };
}
