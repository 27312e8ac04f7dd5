import type { SuggestionKind } from '../playbooks/index.js';
import { groupOf, type ReportDimension } from './effectiveness.js';
import type { Outcome } from './outcome.js';

/**
 * Suggestions come in two purposes, reported apart. Solving ones are actions that can fix the fault
 * (a reboot, a visit): their measure is "solved". Informing ones tell the subscriber something (an
 * outage notice, a verbal consultation): nothing to solve, so their measure is whether an agent took
 * them up and they reached the subscriber. Mixing them made 250 outage notices "unanswered, solved 0".
 */
export const SOLVING_KINDS: readonly SuggestionKind[] = ['remote_reboot', 'technician_visit'];
export const INFORMING_KINDS: readonly SuggestionKind[] = ['outage_notice', 'consultation'];

export function isInforming(kind: SuggestionKind): boolean {
  return INFORMING_KINDS.includes(kind);
}

export interface InformingRow {
  group: Partial<Record<ReportDimension, string>>;
  closed: number;
  /** An agent accepted it: told the subscriber (consultation) or had it sent (outage notice). */
  acknowledged: number;
  dismissed: number;
  /** Its action carried it to the subscriber: the notice was sent into their conversation. */
  delivered: number;
  /** Accepted, but its action failed (nothing reached the subscriber). */
  failed: number;
  /** Withdrawn or expired before anyone took it up (e.g. the outage ended, no conversation was open). */
  unanswered: number;
  /** acknowledged / closed; delivered / acknowledged (null with nothing to divide). */
  acknowledgedRate: number | null;
  deliveredRate: number | null;
  dismissReasons: Record<string, number>;
}

/** Outcomes of informing suggestions → one row per group (pure). */
export function informingReport(
  outcomes: readonly Outcome[],
  modelOf: (deviceId: string) => string | undefined,
  by: readonly ReportDimension[],
): InformingRow[] {
  const rows = new Map<string, InformingRow>();
  for (const outcome of outcomes) {
    const group = groupOf(outcome, by, modelOf);
    const key = JSON.stringify(group);
    const row = rows.get(key) ?? empty(group);
    rows.set(key, row);
    row.closed += 1;
    if (outcome.decision === 'accepted') row.acknowledged += 1;
    else if (outcome.decision === 'dismissed') {
      row.dismissed += 1;
      const reason = outcome.dismissReason ?? 'unspecified';
      row.dismissReasons[reason] = (row.dismissReasons[reason] ?? 0) + 1;
    } else row.unanswered += 1;
    if (outcome.actionResult === 'succeeded') row.delivered += 1;
    if (outcome.actionResult === 'failed') row.failed += 1;
  }
  return [...rows.values()]
    .map((row) => ({
      ...row,
      acknowledgedRate: row.closed === 0 ? null : round(row.acknowledged / row.closed),
      deliveredRate: row.acknowledged === 0 ? null : round(row.delivered / row.acknowledged),
    }))
    .sort((a, b) => b.closed - a.closed || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)));
}

function empty(group: InformingRow['group']): InformingRow {
  return {
    group,
    closed: 0,
    acknowledged: 0,
    dismissed: 0,
    delivered: 0,
    failed: 0,
    unanswered: 0,
    acknowledgedRate: null,
    deliveredRate: null,
    dismissReasons: {},
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
