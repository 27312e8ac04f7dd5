import type { Redis } from 'ioredis';
import type { SuggestionStore } from '../diagnosis/suggestion-store.js';
import { createOutcomeStore, type OutcomeStore } from '../outcomes/outcome-store.js';
import { outcomeOf } from '../outcomes/outcome.js';
import { countInto } from '../platform/fleet-counters.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { ActionOutcome, ActionRecord } from './action.js';
import { actionEvent, type ActionStore, type AuditEntry } from './action-store.js';
import type { SuggestionMover } from './move-suggestion.js';

export interface ActionLifecycleDeps {
  redis: Redis;
  keys: RedisKeys;
  log: Logger;
  now: () => number;
  actions: ActionStore;
  suggestions: SuggestionStore;
  moveSuggestion: SuggestionMover;
}

/**
 * An action's two public moments, each saved with its event and audit entry in one write and followed
 * by its suggestion: `start` (queued → running, once) and `finish` (the outcome, which the metrics, the
 * effectiveness report and the advisor learn from).
 */
export function createActionLifecycle(deps: ActionLifecycleDeps) {
  const outcomes = createOutcomeStore(deps.redis, deps.keys);
  return {
    /** queued → running; an action already past queued (a re-run job) is returned as it is. */
    start: (action: ActionRecord) => startAction(deps, action),
    finish: (action: ActionRecord, outcome: ActionOutcome) => finishAction(deps, outcomes, action, outcome),
  };
}

export type ActionLifecycle = ReturnType<typeof createActionLifecycle>;

async function startAction(deps: ActionLifecycleDeps, action: ActionRecord): Promise<ActionRecord> {
  if (action.state !== 'queued') return action;
  const at = deps.now();
  const started: ActionRecord = { ...action, state: 'running', startedAt: at };
  const saved = await deps.actions.save(
    started,
    actionEvent('action.started', started, at),
    auditOf(started, 'action.started', at, started.kind),
    { from: ['queued'] },
  );
  // Another run of this action started it first: carry on from its record, its event already out.
  if (!saved) return (await deps.actions.get(action.id)) ?? started;
  await deps.moveSuggestion(started, 'executing', `${started.kind} started`);
  return started;
}

async function finishAction(
  deps: ActionLifecycleDeps,
  outcomes: OutcomeStore,
  action: ActionRecord,
  outcome: ActionOutcome,
): Promise<ActionRecord> {
  const now = deps.now();
  const done: ActionRecord = { ...action, state: outcome.result, finishedAt: now, outcome };
  const detail = `${done.kind} ${outcome.result}: ${outcome.reason}`;
  const saved = await deps.actions.save(
    done,
    actionEvent('action.finished', done, now),
    auditOf(done, 'action.finished', now, detail),
  );
  if (!saved) return finishedElsewhere(deps, done);
  await deps.moveSuggestion(done, outcome.result, outcome.reason);
  await recordOutcome(deps, outcomes, done, outcome);
  // The advisor plans the device again now: an escalation, or what the reboot cleared.
  await deps.redis.xadd(deps.keys.advisorTouches(), 'MAXLEN', '~', '10000', '*', 'deviceId', done.deviceId);
  const { id: actionId, kind, deviceId } = done;
  deps.log.info(
    { actionId, kind, deviceId, result: outcome.result, reason: outcome.reason },
    'action finished',
  );
  return done;
}

/**
 * Another run of this action finished it first (a job taken over while its first worker still ran):
 * its outcome stands, with its one event, count and outcome record. Only the suggestion is moved after
 * it again, in case that run died between its save and its move.
 */
async function finishedElsewhere(deps: ActionLifecycleDeps, attempted: ActionRecord): Promise<ActionRecord> {
  const stored = (await deps.actions.get(attempted.id)) ?? attempted;
  if (stored.state === 'succeeded' || stored.state === 'failed')
    await deps.moveSuggestion(stored, stored.state, stored.outcome?.reason ?? stored.state);
  deps.log.info({ actionId: stored.id, state: stored.state }, 'action already finished by another run');
  return stored;
}

/** What the effectiveness report and the metrics learn from a finished action. */
async function recordOutcome(
  deps: ActionLifecycleDeps,
  outcomes: OutcomeStore,
  action: ActionRecord,
  outcome: ActionOutcome,
): Promise<void> {
  const pipeline = deps.redis.pipeline();
  countInto(pipeline, deps.keys, 'vigil_actions_total', { kind: action.kind, result: outcome.result });
  await pipeline.exec();
  const suggestion = action.suggestionId ? await deps.suggestions.get(action.suggestionId) : undefined;
  if (!suggestion) return;
  await outcomes.record(
    outcomeOf(
      { ...suggestion, subscriberIds: action.subscriberIds },
      {
        closedAt: action.finishedAt ?? deps.now(),
        decision: 'accepted',
        actionResult: outcome.result,
        ...(outcome.findingCleared !== undefined ? { findingCleared: outcome.findingCleared } : {}),
      },
    ),
  );
}

function auditOf(action: ActionRecord, what: string, at: number, detail: string): AuditEntry {
  return {
    at,
    what,
    by: action.requestedBy,
    deviceId: action.deviceId,
    actionId: action.id,
    ...(action.suggestionId ? { suggestionId: action.suggestionId } : {}),
    detail,
  };
}
