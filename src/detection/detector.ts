import type { PollResult, PollSample, Rates } from '../probes/poll-result.js';
import type { DeviceKind, Probe } from '../probes/probe-types.js';
import type { DetectionState } from './detection-state.js';
import type { SilenceAnnouncement } from './announced-silence.js';
import type { Evidence, FindingKind, Severity } from './finding.js';

/**
 * What every detector sees: the probe's thresholds, the device, this poll, and the state as tracked
 * after this poll (reachability counters, uptime across wraps, reboots, transitions) but before
 * hysteresis, so `state.findings` and `state.pending` are still the previous poll's.
 */
export interface DetectorContext {
  probe: Probe;
  device: { id: string; kind: DeviceKind };
  state: DetectionState;
  poll: PollResult;
  /** This poll's sample; undefined when the device did not answer. */
  sample: PollSample | undefined;
  rates: Rates;
  now: number;
  /** Set when no poll was made: a trap announced that the device went silent (see announced-silence.ts). */
  announced?: SilenceAnnouncement;
}

/**
 * How far a key number must move from what was last *reported* before an `updated` is worth sending:
 * either `absolute` units or a `relative` share of the reported value (0.5 = 50%).
 */
export interface SignificantChange {
  value: string;
  absolute?: number;
  relative?: number;
}

/** A condition a detector sees now on one subject of the device. */
export interface Condition {
  kind: FindingKind;
  subject?: string;
  severity: Severity;
  evidence: Evidence;
  /** Without it, only a severity change or a change of wording (not of numbers) is an update. */
  significant?: SignificantChange;
}

export interface SubjectRef {
  kind: FindingKind;
  subject?: string;
}

/**
 * A detector's verdict for one poll. For the kinds it speaks for, every subject is either present
 * (listed in `present`), unknown (no data this poll: counters and findings stay as they are), or
 * absent (everything else, including open findings and pending counters of these kinds).
 */
export interface Judgement {
  kinds: readonly FindingKind[];
  present: readonly Condition[];
  unknown: 'all' | 'none' | ((ref: SubjectRef) => boolean);
  /** Override the probe's openAfterPolls / clearAfterPolls for these kinds. */
  openAfterPolls?: number;
  clearAfterPolls?: number;
}

export type Detector = (ctx: DetectorContext) => Judgement;

/** No data for any subject of these kinds this poll (typically: the device did not answer). */
export function unknownJudgement(kinds: readonly FindingKind[]): Judgement {
  return { kinds, present: [], unknown: 'all' };
}

/** A number from a sample value, or undefined when it is missing or not a finite number. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A string from a sample value, or undefined. */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
