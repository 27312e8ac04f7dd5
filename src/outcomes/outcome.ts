import type { SuggestionKind } from '../playbooks/index.js';

/** How a suggestion ended, recorded once when it closes: the raw material of the effectiveness report. */
export interface Outcome {
  suggestionId: string;
  kind: SuggestionKind;
  ruleId: string;
  deviceId: string;
  subscriberIds: string[];
  proposedAt: number;
  closedAt: number;
  /** What the agent did: accepted, dismissed, or nothing before the advisor withdrew or expired it. */
  decision: 'accepted' | 'dismissed' | 'none';
  dismissReason?: string;
  /** accepted: how its action ended. */
  actionResult?: 'succeeded' | 'failed';
  /** remote_reboot: whether the causing finding cleared (from verification); otherwise unknown. */
  findingCleared?: boolean;
}

/** A contact after this long counts as "came back" (the same contact continuing in another channel does not). */
export const CAME_BACK_AFTER_MS = 10 * 60_000;
export const CAME_BACK_WITHIN_MS = 72 * 3_600_000;

/** The part of an outcome a suggestion record gives; the caller adds how it ended. */
export function outcomeOf(
  record: {
    id: string;
    kind: SuggestionKind;
    ruleId: string;
    deviceId: string;
    subscriberIds: string[];
    createdAt: number;
  },
  ended: Pick<Outcome, 'closedAt' | 'decision'> &
    Partial<Pick<Outcome, 'dismissReason' | 'actionResult' | 'findingCleared'>>,
): Outcome {
  return {
    suggestionId: record.id,
    kind: record.kind,
    ruleId: record.ruleId,
    deviceId: record.deviceId,
    subscriberIds: record.subscriberIds,
    proposedAt: record.createdAt,
    ...ended,
  };
}
