import type { FindingKind, Severity } from '../detection/finding.js';
import type { DeviceKind } from '../inventory/inventory-types.js';

/** What an agent can be told to do; snake_case, identical in YAML, events and the API. */
export const SUGGESTION_KINDS = [
  'remote_reboot',
  'technician_visit',
  'consultation',
  'outage_notice',
] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

/** Incidents opened by correlation that a playbook can answer. */
export const INCIDENT_KINDS = ['outage', 'planned_works'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SEVERITIES: readonly Severity[] = ['info', 'minor', 'major', 'critical'];

/** Where a compiled element was written, so explain can point back at the YAML. */
export interface SourceRef {
  file: string;
  line: number;
}

/** A text split into literal parts, `{{name}}` placeholders and `{{#name}}…{{/name}}` sections. */
export type TemplatePart =
  | { type: 'text'; text: string }
  | { type: 'value'; name: string }
  | { type: 'section'; name: string; parts: readonly TemplatePart[] };

export type Texts = Readonly<Record<Language, readonly TemplatePart[]>>;

export interface RuleMatch {
  /** Exactly one of findings and incidents is set. */
  findings?: readonly FindingKind[];
  incidents?: readonly IncidentKind[];
  deviceKinds?: readonly DeviceKind[];
  /** Compiled from the YAML text; unanchored like a grep. */
  model?: RegExp;
  severityAtLeast?: Severity;
  /** The finding has been open at least this long (ms): "if it persists". */
  openForMs?: number;
  /** A reboot after the finding opened did not clear it (history.rebootOutcomes). */
  rebootFailed?: boolean;
}

export interface SuggestionTemplate {
  suggest: SuggestionKind;
  /** 1 is the most urgent. */
  priority: number;
  text: Texts;
}

export interface PlaybookRule extends SuggestionTemplate {
  id: string;
  description?: string;
  source: SourceRef;
  match: RuleMatch;
  /** What to suggest instead of a remote_reboot when the device does not answer (a power-cycle by phone). */
  whenUnreachable?: SuggestionTemplate;
}

export interface RebootGuards {
  cooldownMs: number;
  maxPer24h: number;
  maxConcurrentPerParent: number;
}

export type MatcherOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  label: string;
  op: MatcherOp;
  value: string;
  /** For =~ and !~, anchored at both ends as in Alertmanager. */
  regex?: RegExp;
  /** The text as written, for explain. */
  text: string;
}

/** Alertmanager's inhibit_rule: a source present mutes every target whose `equal` labels agree. */
export interface InhibitRule {
  source: SourceRef;
  sourceMatchers: readonly Matcher[];
  targetMatchers: readonly Matcher[];
  equal: readonly string[];
}

export interface Playbook {
  name: string;
  description: string;
  source: SourceRef;
  guards: { reboot: RebootGuards };
  rules: readonly PlaybookRule[];
  inhibitRules: readonly InhibitRule[];
}

export const DEFAULT_REBOOT_GUARDS: RebootGuards = {
  cooldownMs: 2 * 3_600_000,
  maxPer24h: 2,
  maxConcurrentPerParent: 5,
};
