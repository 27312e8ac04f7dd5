import type { JobSink } from '../platform/sharded-queue.js';
import type { Conversation } from '../conversations/conversation.js';
import { publicSuggestion, withTransition, type SuggestionRecord } from '../diagnosis/suggestion-record.js';
import type { SuggestionStore } from '../diagnosis/suggestion-store.js';
import type { VigilEvent } from '../events/vigil-event.js';
import { AppError } from '../shared/app-error.js';
import type { ActionRecord } from './action.js';
import { enqueueAction } from './action-queue.js';
import type { ActionStore } from './action-store.js';
import type { OutcomeStore } from '../outcomes/outcome-store.js';
import { outcomeOf } from '../outcomes/outcome.js';
import { failpoint } from '../platform/failpoints.js';

export interface DecisionDeps {
  suggestions: SuggestionStore;
  actions: ActionStore;
  queue: JobSink;
  outcomes?: OutcomeStore;
}

/** `agent:<agentId>` — who decided, as the audit and the history say it. */
export const agentOf = (conversation: Conversation): string => `agent:${conversation.agentId}`;

async function suggestionOf(
  deps: DecisionDeps,
  conversation: Conversation,
  id: string,
): Promise<SuggestionRecord> {
  const record = await deps.suggestions.get(id);
  // Another subscriber's suggestion is not found here: a conversation sees its own subscriber only.
  if (!record || !record.subscriberIds.includes(conversation.subscriberId))
    throw new AppError(
      'ERR_SUGGESTION_NOT_FOUND',
      `no suggestion "${id}" for subscriber ${conversation.subscriberId}`,
    );
  return record;
}

function notProposed(record: SuggestionRecord): AppError {
  const last = record.history.at(-1);
  return new AppError(
    'ERR_SUGGESTION_CONFLICT',
    `suggestion ${record.id} is ${record.state}${last?.by ? ` (by ${last.by})` : ''}; only a proposed suggestion can be accepted or dismissed`,
    { details: { state: record.state } },
  );
}

function updated(record: SuggestionRecord): VigilEvent {
  return {
    type: 'suggestion.updated',
    at: record.updatedAt,
    subscriberIds: record.subscriberIds,
    deviceIds: [record.deviceId],
    data: publicSuggestion(record),
  };
}

/**
 * Accepting runs the suggestion exactly once: the move proposed → accepted is a compare-and-set on the
 * record's version, so of two clicks or two agents exactly one wins (the other gets 409), and only the
 * winner creates the action and its job, both keyed by the suggestion id and the version accepted.
 */
export async function acceptSuggestion(
  deps: DecisionDeps,
  conversation: Conversation,
  suggestionId: string,
  now = Date.now(),
): Promise<{ suggestion: SuggestionRecord; action: ActionRecord }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await suggestionOf(deps, conversation, suggestionId);
    if (record.state !== 'proposed') throw notProposed(record);
    const accepted = withTransition(record, {
      at: now,
      state: 'accepted',
      reason: `accepted in conversation ${conversation.id} (${conversation.channel})`,
      by: agentOf(conversation),
      conversationId: conversation.id,
    });
    if (!(await deps.suggestions.transition(accepted, { event: updated(accepted) }))) continue;
    // A crash from here to the enqueue leaves it accepted without a job: the sweeper queues it.
    await failpoint('reboot:after-accept', record.deviceId);
    const action = acceptedAction(accepted);
    await deps.actions.create(action);
    // Audited before the job is queued, so a crash after the enqueue cannot lose who accepted it.
    await deps.actions.audit({
      at: now,
      what: 'suggestion.accepted',
      by: action.requestedBy,
      deviceId: record.deviceId,
      subscriberId: conversation.subscriberId,
      suggestionId: record.id,
      actionId: action.id,
      detail: `${record.kind} in conversation ${conversation.id}`,
    });
    await enqueueAction(deps.queue, action);
    await failpoint('reboot:after-enqueue', record.deviceId);
    return { suggestion: accepted, action };
  }
  throw new AppError('ERR_SUGGESTION_CONFLICT', `suggestion ${suggestionId} keeps changing; try again`, {
    retryable: true,
  });
}

/**
 * The action of an accepted suggestion, all from its record: keyed by the suggestion id and the version
 * accepted, so the accept and the sweeper (accepted-sweeper.ts) build the same action and job.
 */
export function acceptedAction(accepted: SuggestionRecord): ActionRecord {
  const decision = accepted.history.findLast((t) => t.state === 'accepted');
  return {
    id: `${accepted.id}@${accepted.version}`,
    kind: accepted.kind,
    deviceId: accepted.deviceId,
    suggestionId: accepted.id,
    ...(decision?.conversationId ? { conversationId: decision.conversationId } : {}),
    subscriberIds: accepted.subscriberIds,
    requestedBy: decision?.by ?? 'unknown',
    requestedAt: decision?.at ?? accepted.updatedAt,
    state: 'queued',
  };
}

/** The agent says no (with a reason): it stays dismissed while its cause lasts. */
export async function dismissSuggestion(
  deps: DecisionDeps,
  conversation: Conversation,
  suggestionId: string,
  reason: string,
  now = Date.now(),
): Promise<SuggestionRecord> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await suggestionOf(deps, conversation, suggestionId);
    if (record.state !== 'proposed') throw notProposed(record);
    const dismissed = withTransition(record, {
      at: now,
      state: 'dismissed',
      reason: `dismissed: ${reason}`,
      by: agentOf(conversation),
    });
    if (!(await deps.suggestions.transition(dismissed, { event: updated(dismissed), closed: true })))
      continue;
    await deps.outcomes?.record(
      outcomeOf(record, { closedAt: now, decision: 'dismissed', dismissReason: reason }),
    );
    await deps.actions.audit({
      at: now,
      what: 'suggestion.dismissed',
      by: agentOf(conversation),
      deviceId: record.deviceId,
      subscriberId: conversation.subscriberId,
      suggestionId: record.id,
      detail: reason,
    });
    return dismissed;
  }
  throw new AppError('ERR_SUGGESTION_CONFLICT', `suggestion ${suggestionId} keeps changing; try again`, {
    retryable: true,
  });
}
