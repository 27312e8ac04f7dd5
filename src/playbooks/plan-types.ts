import type { Evidence, Finding } from '../detection/finding.js';
import type { Device } from '../inventory/inventory-types.js';
import type { IncidentKind, Language, SourceRef, SuggestionKind } from './playbook-types.js';
import type { ExplainTrace } from './explain-trace.js';

/** An open finding as correlation hands it over: inhibited ones are kept (and shown) but not advised on. */
export interface PlanFinding extends Finding {
  inhibited?: boolean;
}

/** An incident covering the device (its own, or its parent's outage). */
export interface PlanIncident {
  id: string;
  kind: IncidentKind;
  open: boolean;
  /** When NOC expects service back (ms since epoch), if it said. */
  eta?: number;
  note?: string;
}

export interface RebootHistory {
  /** When this device was rebooted by Vigil (ms since epoch), any order. */
  rebootsAt: readonly number[];
  lastRebootAt?: number;
  /** What each verified reboot achieved. */
  rebootOutcomes: readonly { at: number; clearedFinding: boolean }[];
}

/** Everything a plan needs, gathered by the caller; the planner itself reads nothing. */
export interface PlanInput {
  /** ms since epoch; createPlanner fills it from its clock. */
  now: number;
  device: Pick<Device, 'id' | 'kind' | 'parentId'> & { model?: string };
  findings: readonly PlanFinding[];
  incidents: readonly PlanIncident[];
  history: RebootHistory;
  /** Reboots now running (accepted, not yet verified) on devices with this device's parent. */
  concurrentRebootsUnderParent: number;
  reachable: boolean;
  language: Language;
}

export interface Suggestion {
  /** `<deviceId>:<kind>:<findingId|incidentId>`: the same cause gives the same id on every plan. */
  id: string;
  deviceId: string;
  kind: SuggestionKind;
  priority: number;
  text: string;
  language: Language;
  ruleId: string;
  rule: SourceRef;
  cause: { findingIds: string[]; incidentId?: string };
  /** The evidence of the causing findings (or the incident's ETA and note). */
  evidence: Evidence[];
}

export interface PlanResult {
  suggestions: Suggestion[];
  /** Each suggestion's text in every language, by suggestion id (`text` is the one in `input.language`). */
  texts: Map<string, Record<Language, string>>;
  trace: ExplainTrace;
}
