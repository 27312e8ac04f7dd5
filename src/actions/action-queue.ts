import { ACTIONS_QUEUE } from '../platform/queue-names.js';
import type { Redis } from 'ioredis';
import { queueJobId } from '../platform/queue-job-id.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { ShardedQueue, type JobSink } from '../platform/sharded-queue.js';
import type { ActionRecord } from './action.js';

export { ACTIONS_QUEUE };

/** A dispatch to the field service is retried with backoff; a reboot's job is only re-run, never re-SET. */
const ATTEMPTS: Record<ActionRecord['kind'], number> = {
  remote_reboot: 3,
  technician_visit: 6,
  outage_notice: 3,
  consultation: 3,
};

/** BullMQ job ids may not contain ':'; action ids do, so the job id is the action id, encoded. */
export function actionJobId(actionId: string): string {
  return queueJobId('action', actionId);
}

/** The actions queue over `shards` BullMQ queues (VIGIL_QUEUE_SHARDS): an action's job by its id. */
export function createActionQueue(connection: Redis, keys: RedisKeys, shards = 1): ShardedQueue {
  return new ShardedQueue(ACTIONS_QUEUE, connection, keys, shards);
}

/**
 * Queues an action's job, keyed by the action id: adding it twice (two clicks, two agents, a retried
 * request) leaves one job, which BullMQ keeps a week after it ends so a late duplicate is still one.
 */
export async function enqueueAction(queue: JobSink, action: ActionRecord): Promise<void> {
  await queue.add(
    action.kind,
    { actionId: action.id },
    {
      jobId: actionJobId(action.id),
      attempts: ATTEMPTS[action.kind],
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
}
