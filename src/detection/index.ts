/** Detection: one poll of one device → findings, with hysteresis. Pure: no I/O, no clock. */
export { detect, DETECTORS, RATES_READ, type DetectInput, type DetectOutput } from './detect.js';
export { announcedPoll, type SilenceAnnouncement } from './announced-silence.js';
export { announceUplinkDown, type LinkDownAnnouncement } from './announced-uplink-down.js';
export type { TrapNamed } from './trap-named.js';
export { initialDetectionState, type DetectionState } from './detection-state.js';
export {
  FINDING_KINDS,
  findingId,
  type Evidence,
  type Finding,
  type FindingChange,
  type FindingKind,
  type Severity,
} from './finding.js';
export type {
  Condition,
  Detector,
  DetectorContext,
  Judgement,
  SignificantChange,
  SubjectRef,
} from './detector.js';
export { UPTIME_WRAP_SECONDS } from './track-uptime.js';
