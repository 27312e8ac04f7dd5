import { publicSuggestion, withTransition } from '../diagnosis/suggestion-record.js';
import type { SuggestionStore } from '../diagnosis/suggestion-store.js';
import type { ActionRecord } from './action.js';

/** Compare-and-set attempts: each lost one means someone wrote the record between our read and write. */
const ATTEMPTS = 5;

export type SuggestionMover = (
  action: ActionRecord,
  state: 'executing' | 'succeeded' | 'failed',
  reason: string,
) => Promise<void>;

/**
 * Moves an action's suggestion along with the action (executing, then succeeded or failed), written only
 * at the version read; a suggestion already closed, or already in that state, is left as it is.
 */
export function createSuggestionMover(suggestions: SuggestionStore, now: () => number): SuggestionMover {
  return async (action, state, reason) => {
    if (!action.suggestionId) return;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const record = await suggestions.get(action.suggestionId);
      if (!record || record.state === state || ['succeeded', 'failed'].includes(record.state)) return;
      const next = withTransition(record, { at: now(), state, reason, by: action.requestedBy });
      const closed = state !== 'executing';
      const about = {
        at: next.updatedAt,
        subscriberIds: next.subscriberIds,
        deviceIds: [next.deviceId],
        data: publicSuggestion(next),
      };
      // Done (or failed): it leaves the agent's list, as a withdrawal the console already handles.
      const event = closed
        ? { type: 'suggestion.withdrawn' as const, ...about }
        : { type: 'suggestion.updated' as const, ...about };
      if (await suggestions.transition(next, { event, ...(closed ? { live: 'remove', closed: true } : {}) }))
        return;
    }
  };
}
