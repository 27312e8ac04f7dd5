import type { Queue } from 'bullmq';

export interface PollSchedule {
  shards: number;
  tickMs: number;
  syncEveryMs: number;
}

/** The schedulers' ids: one per shard tick and one for the schedule sync (a few dozen, never one per device). */
function schedulerIds(schedule: PollSchedule): string[] {
  return [...Array.from({ length: schedule.shards }, (_, shard) => `shard-${shard}`), 'sync'];
}

export async function schedulePollTicks(queue: Queue, schedule: PollSchedule): Promise<void> {
  await upsertSchedulers(queue, schedule, schedulerIds(schedule));
}

/** A scheduler whose next run is this far behind has no next job: its chain is broken. */
export const STALLED_SCHEDULER_MS = 5_000;

/**
 * BullMQ adds a scheduler's next job when a worker takes the current one; when that write fails (Redis
 * at maxmemory, an error inside the script) the worker emits "Failed to add repeatable job for next
 * iteration" and the chain ends there: that shard would never be ticked again (bullmq 6
 * classes/worker.js nextJobFromJobData; met by the Redis-full drill). Every poller looks for schedulers
 * whose next run is more than `max(STALLED_SCHEDULER_MS, 3 intervals)` behind and upserts them again:
 * the upsert adds the missing job (or, if the job is only waiting, puts it back where it was). Returns
 * the ids mended.
 */
export async function mendPollSchedulers(
  queue: Queue,
  schedule: PollSchedule,
  now: number,
): Promise<string[]> {
  const stored = new Map((await queue.getJobSchedulers()).map((s) => [s.key, s]));
  const broken = schedulerIds(schedule).filter((id) => {
    const scheduler = stored.get(id);
    if (scheduler?.next === undefined) return true;
    return now - scheduler.next > Math.max(STALLED_SCHEDULER_MS, 3 * (scheduler.every ?? 0));
  });
  if (broken.length > 0) await upsertSchedulers(queue, schedule, broken);
  return broken;
}

async function upsertSchedulers(queue: Queue, schedule: PollSchedule, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (id === 'sync')
      await queue.upsertJobScheduler('sync', { every: schedule.syncEveryMs }, { name: 'sync', data: {} });
    else if (id.startsWith('shard-'))
      await queue.upsertJobScheduler(
        id,
        { every: schedule.tickMs },
        { name: 'tick', data: { shard: Number(id.slice('shard-'.length)) } },
      );
    else throw new Error(`not a poll scheduler: ${id}`);
  }
}
