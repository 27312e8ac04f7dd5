import { Queue } from 'bullmq';
import type { ShardedQueue } from '../platform/sharded-queue.js';

export interface PollSchedule {
  shards: number;
  tickMs: number;
  syncEveryMs: number;
  /**
   * The poll queue's shard these schedulers go on, of how many (VIGIL_QUEUE_SHARDS): poll shard s's
   * tick in queue shard s mod count, the sync in the first. Unset: one queue holds them all.
   */
  queueShard?: { index: number; count: number };
}

/** The schedulers' ids: one per shard tick and one for the schedule sync (a few dozen, never one per device). */
function schedulerIds(schedule: PollSchedule): string[] {
  const { index, count } = schedule.queueShard ?? { index: 0, count: 1 };
  const ticks = Array.from({ length: schedule.shards }, (_, shard) => shard)
    .filter((shard) => shard % count === index)
    .map((shard) => `shard-${shard}`);
  return index === 0 ? [...ticks, 'sync'] : ticks;
}

/** Every scheduler, each on its queue shard (a sharded queue) or all on one queue. */
export async function schedulePollTicks(queue: Queue | ShardedQueue, schedule: PollSchedule): Promise<void> {
  for (const [shard, part] of scheduleParts(queue, schedule))
    await upsertSchedulers(shard, part, schedulerIds(part));
}

/** Each queue shard with the part of the schedule it holds. */
function scheduleParts(queue: Queue | ShardedQueue, schedule: PollSchedule): [Queue, PollSchedule][] {
  if (queue instanceof Queue) return [[queue, schedule]];
  const count = queue.shards.length;
  return queue.shards.map((shard, index) => [shard, { ...schedule, queueShard: { index, count } }]);
}

/**
 * Where in each tick interval a shard's tick falls: the shards spread evenly over it. Ticks in step
 * (BullMQ's phase is the upsert time, and the schedulers are upserted within a few milliseconds) made
 * one burst of every shard's polls a second, during which a conversation's fresh probe and, on a shared
 * machine, the API waited. Never 0, which BullMQ reads as "no offset".
 */
export function tickOffset(shard: number, schedule: Pick<PollSchedule, 'shards' | 'tickMs'>): number {
  return 1 + Math.floor((shard * schedule.tickMs) / schedule.shards);
}

/** A scheduler whose next run is this far behind is checked for a next job; with none, its chain is broken. */
export const STALLED_SCHEDULER_MS = 5_000;

/** A job in one of these states has not been taken by a worker yet. */
const WAITING_STATES = new Set<string>(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * BullMQ adds a scheduler's next job when a worker takes the current one; when that write fails (Redis
 * at maxmemory, an error inside the script) the worker emits "Failed to add repeatable job for next
 * iteration" and the chain ends there: that shard would never be ticked again (bullmq 6
 * classes/worker.js nextJobFromJobData; met by the Redis-full drill). Every poller looks for schedulers
 * whose next run is more than `max(STALLED_SCHEDULER_MS, 3 intervals)` behind and upserts them again:
 * unless that run's job is still there (waiting for a worker's slot, or running), the upsert adds the
 * missing job. Returns the ids mended.
 */
export async function mendPollSchedulers(
  queue: Queue | ShardedQueue,
  schedule: PollSchedule,
  now: number,
): Promise<string[]> {
  const parts = scheduleParts(queue, schedule);
  return (await Promise.all(parts.map(([shard, part]) => mendShard(shard, part, now)))).flat();
}

async function mendShard(queue: Queue, schedule: PollSchedule, now: number): Promise<string[]> {
  const stored = new Map((await queue.getJobSchedulers()).map((s) => [s.key, s]));
  const broken: string[] = [];
  for (const id of schedulerIds(schedule)) {
    const scheduler = stored.get(id);
    if (scheduler?.next === undefined) broken.push(id);
    else if (now - scheduler.next > Math.max(STALLED_SCHEDULER_MS, 3 * (scheduler.every ?? 0))) {
      // Late is not broken: while every slot of a busy poller is taken, the next tick waits its turn,
      // and an upsert would only move it to the back of the queue. A next job already taken (active,
      // done, failed) is: a worker adds the one after it as it takes it and moves the scheduler on, so
      // the scheduler still pointing at it means that write was refused. The worker then drops the job
      // it took without running it, and only the stalled-job check would free it, a minute later.
      const state = await queue.getJobState(`repeat:${id}:${scheduler.next}`);
      if (!WAITING_STATES.has(state)) broken.push(id);
    }
  }
  if (broken.length > 0) await upsertSchedulers(queue, schedule, broken);
  return broken;
}

async function upsertSchedulers(queue: Queue, schedule: PollSchedule, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (id === 'sync')
      await queue.upsertJobScheduler('sync', { every: schedule.syncEveryMs }, { name: 'sync', data: {} });
    else if (id.startsWith('shard-')) {
      const shard = Number(id.slice('shard-'.length));
      const offset = tickOffset(shard, schedule);
      // An upsert keeps an existing scheduler's next run where it was (bullmq 6 addJobScheduler), so one
      // made without this offset (an earlier version) or with another would keep ticking in step with
      // the rest: it is removed and made again, at its own place in the second.
      const stored = await queue.getJobScheduler(id);
      if (stored && stored.offset !== offset) await queue.removeJobScheduler(id);
      await queue.upsertJobScheduler(
        id,
        { every: schedule.tickMs, offset },
        { name: 'tick', data: { shard } },
      );
    } else throw new Error(`not a poll scheduler: ${id}`);
  }
}
