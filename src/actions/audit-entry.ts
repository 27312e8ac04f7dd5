/** One line of the audit trail (the `audit` stream's `entry` field, JSON). */
export interface AuditEntry {
  at: number;
  /** accepted, dismissed, action.started, action.finished, reboot.requested… */
  what: string;
  by: string;
  deviceId?: string;
  subscriberId?: string;
  suggestionId?: string;
  actionId?: string;
  detail?: string;
}

/** The audit trail is capped in entries, not time: about a year of a large desk's actions. */
export const AUDIT_MAXLEN = 1_000_000;

/** Audit entries that start a subscriber's history item: the rest (sent, started, finished) are the same action's progress. */
export const HISTORY_ITEM_STARTS: ReadonlySet<string> = new Set([
  'suggestion.accepted',
  'reboot.requested',
  'suggestion.dismissed',
]);
