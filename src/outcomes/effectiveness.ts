import { CAME_BACK_AFTER_MS, CAME_BACK_WITHIN_MS, type Outcome } from './outcome.js';

export const REPORT_DIMENSIONS = ['kind', 'rule', 'model'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export interface EffectivenessRow {
  /** The group, e.g. `{ kind: 'remote_reboot', model: 'HG8245' }`. */
  group: Partial<Record<ReportDimension, string>>;
  closed: number;
  accepted: number;
  dismissed: number;
  /** Withdrawn or expired before anyone acted on it. */
  unanswered: number;
  succeeded: number;
  failed: number;
  /** Accepted and its action succeeded, and the subscriber did not come back within 72 h: it solved it. */
  solved: number;
  cameBack72h: number;
  /** succeeded / accepted; solved / accepted (null with nothing accepted). */
  successRate: number | null;
  solvedRate: number | null;
  dismissReasons: Record<string, number>;
}

/**
 * Outcomes → effectiveness per group (pure). "Solved" is the operator's question — "a reboot solves
 * 30%" — measured: accepted, the action succeeded, and the subscriber did not get in touch again within
 * 72 h (contacts in the first 10 minutes are the same contact in another channel).
 */
/** The report group an outcome falls in: its kind, rule and/or device model, as asked. */
export function groupOf(
  outcome: Outcome,
  by: readonly ReportDimension[],
  modelOf: (deviceId: string) => string | undefined,
): Partial<Record<ReportDimension, string>> {
  const group: Partial<Record<ReportDimension, string>> = {};
  for (const dimension of by)
    group[dimension] =
      dimension === 'kind'
        ? outcome.kind
        : dimension === 'rule'
          ? outcome.ruleId
          : (modelOf(outcome.deviceId) ?? 'unknown');
  return group;
}

export function effectiveness(
  outcomes: readonly Outcome[],
  contacts: ReadonlyMap<string, readonly number[]>,
  modelOf: (deviceId: string) => string | undefined,
  by: readonly ReportDimension[],
): EffectivenessRow[] {
  const rows = new Map<string, EffectivenessRow>();
  for (const outcome of outcomes) {
    const group = groupOf(outcome, by, modelOf);
    const key = JSON.stringify(group);
    const row = rows.get(key) ?? empty(group);
    rows.set(key, row);
    row.closed += 1;
    if (outcome.decision === 'accepted') row.accepted += 1;
    else if (outcome.decision === 'dismissed') {
      row.dismissed += 1;
      const reason = outcome.dismissReason ?? 'unspecified';
      row.dismissReasons[reason] = (row.dismissReasons[reason] ?? 0) + 1;
    } else row.unanswered += 1;
    if (outcome.actionResult === 'succeeded') row.succeeded += 1;
    if (outcome.actionResult === 'failed') row.failed += 1;
    const cameBack =
      outcome.decision !== 'none' &&
      outcome.subscriberIds.some((id) =>
        (contacts.get(id) ?? []).some(
          (at) => at > outcome.closedAt + CAME_BACK_AFTER_MS && at <= outcome.closedAt + CAME_BACK_WITHIN_MS,
        ),
      );
    if (cameBack) row.cameBack72h += 1;
    if (outcome.actionResult === 'succeeded' && !cameBack) row.solved += 1;
  }
  return [...rows.values()]
    .map((row) => ({
      ...row,
      successRate: row.accepted === 0 ? null : round(row.succeeded / row.accepted),
      solvedRate: row.accepted === 0 ? null : round(row.solved / row.accepted),
    }))
    .sort((a, b) => b.closed - a.closed || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)));
}

function empty(group: EffectivenessRow['group']): EffectivenessRow {
  return {
    group,
    closed: 0,
    accepted: 0,
    dismissed: 0,
    unanswered: 0,
    succeeded: 0,
    failed: 0,
    solved: 0,
    cameBack72h: 0,
    successRate: null,
    solvedRate: null,
    dismissReasons: {},
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
