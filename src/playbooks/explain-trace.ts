import type { Severity } from '../detection/finding.js';
import type { IncidentKind, SourceRef, SuggestionKind } from './playbook-types.js';

/** The guards in the order the planner checks them. */
export const REBOOT_GUARDS = [
  'outage',
  'reachable',
  'cooldown',
  'max_per_24h',
  'concurrent_under_parent',
] as const;
export type RebootGuardName = (typeof REBOOT_GUARDS)[number];

export interface GuardCheck {
  guard: RebootGuardName;
  passed: boolean;
  /** Why, with the numbers: "2 reboots in the last 24h, at most 2". */
  reason: string;
}

export interface RuleTrace {
  ruleId: string;
  source: SourceRef;
  matched: boolean;
  /** Why it matched (the causes) or the first condition that failed. */
  reason: string;
  /** The suggestion id it proposed (before inhibition and deduplication). */
  proposed?: string;
  guards?: GuardCheck[];
  /** Set when a guard blocked the reboot and whenUnreachable gave something else. */
  fellBackTo?: string;
}

export interface DroppedSuggestion {
  suggestionId: string;
  kind: SuggestionKind;
  /** "inhibited" by an inhibit rule, or "duplicate" of a better suggestion of the same kind. */
  why: 'inhibited' | 'duplicate';
  by: string;
  source?: SourceRef;
}

/** What explain prints: every step of one plan, for an agent to read and a developer to debug. */
export interface ExplainTrace {
  deviceId: string;
  at: number;
  findings: { id: string; kind: string; severity: Severity; inhibited: boolean; summary: string }[];
  incidents: { id: string; kind: IncidentKind; open: boolean }[];
  rules: RuleTrace[];
  dropped: DroppedSuggestion[];
  suggestions: { id: string; kind: SuggestionKind; priority: number; ruleId: string; text: string }[];
}
