import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
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
  queue: Queue;
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
  const index = deps.keys.acceptedSuggestions();

  async function count(result: 'queued' | 'failed'): Promise<void> {
    const pipeline = deps.redis.pipeline();
    countInto(pipeline, deps.keys, 'vigil_accepted_swept_total', { result });
    await pipeline.exec();
  }

  return {
    async sweep(now = Date.now()): Promise<SweepReport> {
      const report: SweepReport = { looked: 0, queued: 0, failed: 0 };
      const due = await deps.redis.zrangebyscore(
        index,
        '-inf',
        now - deps.graceMs,
        'WITHSCORES',
        'LIMIT',
        0,
        BATCH,
      );
      const entries: { id: string; score: string }[] = [];
      for (let i = 0; i + 1 < due.length; i += 2) entries.push({ id: due[i]!, score: due[i + 1]! });
      const records = await deps.suggestions.records(entries.map((e) => e.id));
      for (const { id, score } of entries) {
        const record = records.get(id);
        if (!record || record.state !== 'accepted') {
          // Moved on (its action started) after the index was read, or gone: nothing to do.
          await deps.redis.eval(DROP_IF_SAME, 1, index, id, score);
          continue;
        }
        report.looked += 1;
        const action = acceptedAction(record);
        const job = await deps.queue.getJob(actionJobId(action.id));
        const jobState = job ? await job.getState() : undefined;
        if (
          jobState !== undefined &&
          jobState !== 'unknown' &&
          jobState !== 'completed' &&
          jobState !== 'failed'
        )
          continue; // Waiting, delayed or running: the action will move the suggestion.
        const acceptedAt = action.requestedAt;
        const reason =
          jobState === 'failed' || jobState === 'completed'
            ? `not run: its job ended (${jobState}) without finishing the action`
            : now - acceptedAt > deps.expireMs
              ? `not run: accepted at ${new Date(acceptedAt).toISOString()} but never queued; too late to run now, accept it again if still wanted`
              : undefined;
        await deps.actions.create(action);
        if (reason !== undefined) {
          await deps.runner.settle(action.id, reason);
          await count('failed');
          report.failed += 1;
          log.warn(
            { suggestionId: id, actionId: action.id, jobState },
            'accepted suggestion failed by the sweeper',
          );
          continue;
        }
        await deps.actions.audit({
          at: now,
          what: 'action.swept',
          by: action.requestedBy,
          deviceId: action.deviceId,
          suggestionId: id,
          actionId: action.id,
          detail: `accepted ${Math.round((now - acceptedAt) / 1000)} s ago without a queued action: queuing it now`,
        });
        await enqueueAction(deps.queue, action);
        await count('queued');
        report.queued += 1;
        log.warn({ suggestionId: id, actionId: action.id }, 'accepted suggestion without an action: queued');
      }
      return report;
    },
  };
}

export type AcceptedSweeper = ReturnType<typeof createAcceptedSweeper>;
