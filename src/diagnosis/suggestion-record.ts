import type { Evidence } from '../detection/index.js';
import type { Language, Suggestion, SuggestionKind } from '../playbooks/index.js';

/**
 * proposed → accepted | dismissed | withdrawn | expired; accepted → executing → succeeded | failed.
 * The advisor moves proposed ones (created, updated, withdrawn when the cause goes, expired when the
 * device leaves the inventory); agents accept or dismiss; actions own them from accepted on.
 */
export const SUGGESTION_STATES = [
  'proposed',
  'accepted',
  'dismissed',
  'withdrawn',
  'expired',
  'executing',
  'succeeded',
  'failed',
] as const;
export type SuggestionState = (typeof SUGGESTION_STATES)[number];

/** States in which the record is finished: the same cause appearing again proposes it afresh. */
export const CLOSED_STATES: readonly SuggestionState[] = ['withdrawn', 'expired', 'succeeded', 'failed'];
/** States an action owns: the advisor never withdraws or rewrites these. */
export const ACTION_STATES: readonly SuggestionState[] = ['accepted', 'executing'];

export interface SuggestionTransition {
  at: number;
  state: SuggestionState;
  /** Why, for people: "finding cpe-000042:error_rate cleared", "dismissed by agent a-17: customer declined". */
  reason: string;
  by?: string;
  /** accepted: the conversation it was accepted in (the action is given in it). */
  conversationId?: string;
}

/** A suggestion as stored and shown: the plan's suggestion in both languages, with its state and history. */
export interface SuggestionRecord {
  id: string;
  deviceId: string;
  /** The subscribers linked to the device: whose conversations show it. */
  subscriberIds: string[];
  kind: SuggestionKind;
  state: SuggestionState;
  priority: number;
  text: Record<Language, string>;
  ruleId: string;
  rule: Suggestion['rule'];
  cause: Suggestion['cause'];
  evidence: Evidence[];
  createdAt: number;
  updatedAt: number;
  closedAt?: number;
  /**
   * Bumped by every stored change. Writers compare it in Redis before they write (see
   * suggestion-store.ts), so an agent's accept and the advisor's withdrawal never overwrite each other.
   */
  version: number;
  /** Oldest first, capped (see MAX_HISTORY). */
  history: SuggestionTransition[];
}

export const MAX_HISTORY = 50;

export function withTransition(record: SuggestionRecord, transition: SuggestionTransition): SuggestionRecord {
  const closed = CLOSED_STATES.includes(transition.state) || transition.state === 'dismissed';
  return {
    ...record,
    version: record.version + 1,
    state: transition.state,
    updatedAt: transition.at,
    ...(closed ? { closedAt: transition.at } : {}),
    history: [...record.history, transition].slice(-MAX_HISTORY),
  };
}

/** What an event and the API carry: everything but the history, which is read on its own. */
export function publicSuggestion(
  record: SuggestionRecord,
): Omit<SuggestionRecord, 'history'> & { lastChange?: SuggestionTransition } {
  const { history, ...rest } = record;
  // The last change says why it is where it is ("finding … cleared", "dismissed: …"), for the console.
  const lastChange = history.at(-1);
  return lastChange ? { ...rest, lastChange } : rest;
}
