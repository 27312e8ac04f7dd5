import type { SuggestionStore } from '../diagnosis/suggestion-store.js';
import { isAppError } from '../shared/app-error.js';
import type { ActionRecord } from './action.js';
import type { ActionLifecycle } from './action-lifecycle.js';
import type { ActionsConfig } from './actions-config.js';
import { dispatchTechnician } from './dispatch-technician.js';

export interface TechnicianVisitDeps {
  config: Pick<ActionsConfig, 'fieldServiceUrl' | 'fieldServiceSecret'>;
  suggestions: SuggestionStore;
  lifecycle: ActionLifecycle;
}

/**
 * technician_visit: the visit booked with the field service, signed and keyed by the action id, so a
 * retried attempt books the same visit. Throws (to have the queue retry) only what may pass next time
 * and only before the final attempt.
 */
export function createTechnicianVisit(deps: TechnicianVisitDeps) {
  return async function technicianVisit(action: ActionRecord, finalAttempt: boolean): Promise<ActionRecord> {
    const { fieldServiceUrl, fieldServiceSecret } = deps.config;
    if (!fieldServiceUrl || !fieldServiceSecret)
      return deps.lifecycle.finish(action, {
        result: 'failed',
        reason: 'no field service is configured (VIGIL_FIELD_SERVICE_URL)',
      });
    const current = await deps.lifecycle.start(action);
    const suggestion = current.suggestionId ? await deps.suggestions.get(current.suggestionId) : undefined;
    try {
      const { ticketId } = await dispatchTechnician(fieldServiceUrl, fieldServiceSecret, {
        actionId: current.id,
        deviceId: current.deviceId,
        subscriberIds: current.subscriberIds,
        reason: suggestion?.text.en ?? 'technician visit requested',
        evidence: suggestion?.evidence.map((e) => e.summary) ?? [],
        requestedBy: current.requestedBy,
        requestedAt: new Date(current.requestedAt).toISOString(),
      });
      return deps.lifecycle.finish(
        { ...current, ticketId },
        { result: 'succeeded', reason: `field service ticket ${ticketId}` },
      );
    } catch (error) {
      // Retry only what may pass next time: a refusal (a 4xx) would be refused again, visit after visit.
      const refused = isAppError(error) && !error.retryable;
      if (!finalAttempt && !refused) throw error;
      return deps.lifecycle.finish(current, {
        result: 'failed',
        reason: `dispatch failed${refused ? '' : ' after retries'}: ${(error as Error).message}`,
      });
    }
  };
}
