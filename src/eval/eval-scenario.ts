import type { FindingKind } from '../detection/index.js';
import type { IncidentKind } from '../correlation/index.js';
import type { SuggestionKind } from '../playbooks/index.js';
import type { FaultKind } from '../sim/fault-kinds.js';

/**
 * One labelled scenario of `vigil eval` (`scenarios/eval/*.yaml`): a simulated fleet, a timeline of
 * faults and noise, and what Vigil should conclude at checkpoints. Every id is checked against the
 * fleet the simulator will generate, and selectors (`under: bs-0001`) are resolved to ids here, so
 * the run and the judge only ever see concrete devices and subscribers.
 */
export interface EvalScenario {
  name: string;
  file: string;
  description: string;
  /** Part of `vigil eval --quick` (the CI subset). */
  quick: boolean;
  /**
   * Why the scenario cannot run yet (what it waits for: a simulator fault, recorded devices): it is
   * checked, listed and not run, so the gap stays in view.
   */
  pending?: string;
  fleet: EvalFleet;
  /** Poll interval of this scenario's service, when it must differ from the run's (`--interval`). */
  intervalSeconds?: number;
  timeline: TimelineStep[];
  checkpoints: Checkpoint[];
}

/** What `vigil sim` takes: the same seed gives the same fleet. */
export interface EvalFleet {
  devices: number;
  fanout: number;
  seed: number;
}

interface StepBase {
  /** Line in the scenario file, for the report. */
  line: number;
  /** Seconds after the fleet's first polls. */
  atSeconds: number;
  deviceIds: string[];
}

/** A simulator fault (control API), removed again after `forSeconds` when given. */
export interface FaultStep extends StepBase {
  action: 'fault';
  kind: FaultKind;
  params: Record<string, number | boolean>;
  forSeconds?: number;
}
/** Faults removed: one kind, or every fault of the device. */
export interface ClearStep extends StepBase {
  action: 'clear';
  kind: FaultKind | 'all';
}
/** The subscriber power-cycles the router (control API reboot, not Vigil's). */
export interface RebootStep extends StepBase {
  action: 'reboot';
}
/** NOC reboots the device through Vigil (`POST /v1/devices/{id}/reboot`): verified, and escalated when it did not help. */
export interface NocRebootStep extends StepBase {
  action: 'noc_reboot';
}
/**
 * An agent opens a conversation with the subscriber (`POST /v1/conversations`) and accepts its live
 * suggestion of this kind: a remote reboot is carried out and verified, as from the console.
 */
export interface AcceptStep extends StepBase {
  action: 'accept';
  suggestion: SuggestionKind;
  subscriberId: string;
}
/** NOC declares a maintenance window on the device, from now for `forSeconds` (Vigil's maintenance API). */
export interface MaintenanceStep extends StepBase {
  action: 'maintenance';
  forSeconds: number;
}
/**
 * The device's uptime is set so that its 32-bit sysUpTime wraps `inSeconds` from now (≈ 497.1 days
 * of uptime): a wrap seen between two polls, as on equipment that really runs that long.
 */
export interface WrapStep extends StepBase {
  action: 'wrap';
  inSeconds: number;
}
export type TimelineStep =
  FaultStep | ClearStep | RebootStep | NocRebootStep | AcceptStep | MaintenanceStep | WrapStep;

export type Expectation = 'present' | 'absent' | 'optional';

export interface FindingExpectation {
  line: number;
  deviceId: string;
  kind: FindingKind;
  expect: Expectation;
}

/** `none`: no live suggestion; `any`: not judged (said why in the file). */
export type TopSuggestion = SuggestionKind | 'none' | 'any';

export interface SuggestionExpectation {
  line: number;
  subscriberId: string;
  top: TopSuggestion;
}

export interface IncidentExpectation {
  line: number;
  rootDeviceId: string;
  kind: IncidentKind;
}

/**
 * What Vigil should show at `atSeconds`. Anything not named is expected clean: a device has no other
 * finding, a subscriber's top suggestion is none, no other incident is active.
 */
export interface Checkpoint {
  line: number;
  atSeconds: number;
  findings: FindingExpectation[];
  suggestions: SuggestionExpectation[];
  incidents: IncidentExpectation[];
}
