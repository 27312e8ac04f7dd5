import type { ShardedQueue } from '../platform/sharded-queue.js';
import type { Redis } from 'ioredis';
import type { SuggestionRecord } from '../diagnosis/suggestion-record.js';
import type { SuggestionStore } from '../diagnosis/suggestion-store.js';
import { countInto } from '../platform/fleet-counters.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { actionJobId, enqueueAction } from './action-queue.js';
import type { ActionRunner } from './action-runner.js';
import type { ActionStore } from './action-store.js';
import { acceptedAction } from './suggestion-decisions.js';

/** Entries looked at per sweep: a backlog is worked through over a few sweeps, never in one long one. */
const BATCH = 500;

/** Drops an index entry only if it is still the one read (the suggestion was not accepted again since). */
const DROP_IF_SAME = `if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end return 0`;

export interface AcceptedSweeperDeps {
  redis: Redis;
  keys: RedisKeys;
  queue: Pick<ShardedQueue, 'add' | 'getJob'>;
  suggestions: SuggestionStore;
  actions: ActionStore;
  runner: Pick<ActionRunner, 'settle'>;
  logger: Logger;
  /** An accept younger than this is left alone: its own request is still queuing the action. */
  graceMs: number;
  /** An accept older than this whose action never ran is failed rather than run so late. */
  expireMs: number;
}

export interface SweepReport {
  /** Accepted suggestions older than the grace looked at. */
  looked: number;
  /** Actions queued (again) for them. */
  queued: number;
  /** Accepts failed: too old to run, or their job gave up. */
  failed: number;
}

/**
 * Accepting is a compare-and-set on the suggestion, then the action's record and its job; a process
 * that dies in between leaves the suggestion `accepted` with nothing to carry it out. The sweeper
 * finds accepts older than the grace in the accepted index (written by the compare-and-set itself),
 * and for each one whose job is missing creates the action and queues it under the same deterministic
 * job id the accept uses — so if the job exists after all, nothing doubles — or, when the accept is
 * older than `expireMs` (no worker for that long) or its job already gave up, fails the action with a
 * reason the agent and the NOC can read. Safe to run in any number of workers at once.
 */
export function createAcceptedSweeper(deps: AcceptedSweeperDeps) {
  const log = deps.logger.child({ module: 'actions', part: 'accepted-sweeper' });
  return {
    async sweep(now = Date.now()): Promise<SweepReport> {
      const report: SweepReport = { looked: 0, queued: 0, failed: 0 };
      const entries = await dueEntries(deps, now);
      const records = await deps.suggestions.records(entries.map((e) => e.id));
      for (const { id, score } of entries) {
        const record = records.get(id);
        if (!record || record.state !== 'accepted') {
          // Moved on (its action started) after the index was read, or gone: nothing to do.
          await deps.redis.eval(DROP_IF_SAME, 1, deps.keys.acceptedSuggestions(), id, score);
          continue;
        }
        report.looked += 1;
        const result = await sweepOne(deps, log, record, now);
        if (result !== 'left') report[result] += 1;
      }
      return report;
    },
  };
}

export type AcceptedSweeper = ReturnType<typeof createAcceptedSweeper>;

/** Accepts older than the grace, oldest first, at most BATCH, with the score each was read at. */
async function dueEntries(deps: AcceptedSweeperDeps, now: number): Promise<{ id: string; score: string }[]> {
  const due = await deps.redis.zrangebyscore(
    deps.keys.acceptedSuggestions(),
    '-inf',
    now - deps.graceMs,
    'WITHSCORES',
    'LIMIT',
    0,
    BATCH,
  );
  const entries: { id: string; score: string }[] = [];
  for (let i = 0; i + 1 < due.length; i += 2) entries.push({ id: due[i]!, score: due[i + 1]! });
  return entries;
}

/** One accept still `accepted`: left to its job, failed with a reason, or its action queued now. */
async function sweepOne(
  deps: AcceptedSweeperDeps,
  log: Logger,
  record: SuggestionRecord,
  now: number,
): Promise<'left' | 'queued' | 'failed'> {
  const action = acceptedAction(record);
  const job = await deps.queue.getJob(actionJobId(action.id));
  const jobState = job ? await job.getState() : undefined;
  // Waiting, delayed or running: the action will move the suggestion.
  if (jobState !== undefined && !['unknown', 'completed', 'failed'].includes(jobState)) return 'left';
  const reason = failReason(jobState, action.requestedAt, now, deps.expireMs);
  await deps.actions.create(action);
  const ids = { suggestionId: record.id, actionId: action.id };
  if (reason !== undefined) {
    await deps.runner.settle(action.id, reason);
    await count(deps, 'failed');
    log.warn({ ...ids, jobState }, 'accepted suggestion failed by the sweeper');
    return 'failed';
  }
  await deps.actions.audit({
    at: now,
    what: 'action.swept',
    by: action.requestedBy,
    deviceId: action.deviceId,
    ...ids,
    detail: `accepted ${Math.round((now - action.requestedAt) / 1000)} s ago without a queued action: queuing it now`,
  });
  await enqueueAction(deps.queue, action);
  await count(deps, 'queued');
  log.warn(ids, 'accepted suggestion without an action: queued');
  return 'queued';
}

/** Why an accept without a live job is failed rather than queued, or undefined to queue it. */
function failReason(
  jobState: string | undefined,
  acceptedAt: number,
  now: number,
  expireMs: number,
): string | undefined {
  if (jobState === 'failed' || jobState === 'completed')
    return `not run: its job ended (${jobState}) without finishing the action`;
  if (now - acceptedAt > expireMs)
    return `not run: accepted at ${new Date(acceptedAt).toISOString()} but never queued; too late to run now, accept it again if still wanted`;
  return undefined;
}

async function count(deps: AcceptedSweeperDeps, result: 'queued' | 'failed'): Promise<void> {
  const pipeline = deps.redis.pipeline();
  countInto(pipeline, deps.keys, 'vigil_accepted_swept_total', { result });
  await pipeline.exec();
}
