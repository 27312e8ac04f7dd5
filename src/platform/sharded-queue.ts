import {
  Queue,
  QueueEvents,
  Worker,
  type Job,
  type JobsOptions,
  type Processor,
  type WorkerOptions,
} from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';

/** What a producer needs of a queue: a job added (one BullMQ `Queue`, or a `ShardedQueue`). */
export interface JobSink {
  add(name: string, data: unknown, opts?: JobsOptions): Promise<Job>;
}

/**
 * The shard a routing key's jobs go to (FNV-1a, stable across processes and restarts): every producer
 * puts one device's probes, one action's job, one subscription's pumps in the same shard, so a jobId
 * still deduplicates and one subscription's alerts stay in order.
 */
export function queueShardOf(routingKey: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < routingKey.length; i++) hash = Math.imul(hash ^ routingKey.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/**
 * The routing key of a job: its job id when it has one (so `getJob(id)` finds it and a duplicate add
 * meets the first), else the device (a batch's first), subscription or action it is about, else its name.
 */
function routingKey(name: string, data: unknown, opts?: JobsOptions): string {
  if (opts?.jobId !== undefined) return opts.jobId;
  const about = data as {
    deviceId?: unknown;
    deviceIds?: unknown;
    subscriptionId?: unknown;
    actionId?: unknown;
  } | null;
  // A batch of devices goes where its first device's probes go: batches spread as the devices do.
  const first = Array.isArray(about?.deviceIds) ? (about.deviceIds[0] as unknown) : undefined;
  const id = about?.deviceId ?? first ?? about?.subscriptionId ?? about?.actionId;
  return typeof id === 'string' ? id : name;
}

/**
 * One of Vigil's queues spread over `count` BullMQ queues of the same name, each under a prefix of its
 * own hash tag (`keys.bullPrefix(name, shard)`), so on a Redis Cluster the shards' keys, and the
 * commands on them, spread over the masters. Every process of an installation must use the same count
 * (VIGIL_QUEUE_SHARDS): a job added to a shard no worker reads would wait forever. With one shard this
 * is one BullMQ queue, as on a single Redis.
 */
export class ShardedQueue implements JobSink {
  readonly shards: Queue[];

  constructor(
    readonly name: string,
    connection: Redis,
    keys: RedisKeys,
    count: number,
    defaultJobOptions?: JobsOptions,
  ) {
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`${name}: ${count} is not a number of queue shards`);
    this.shards = Array.from(
      { length: count },
      (_, shard) =>
        new Queue(name, {
          connection,
          prefix: keys.bullPrefix(name, shard),
          ...(defaultJobOptions ? { defaultJobOptions } : {}),
        }),
    );
  }

  /** The shard a queue-wide job scheduler lives in (one scheduler by its id, whoever upserts it). */
  get schedulerShard(): Queue {
    return this.shards[0] as Queue;
  }

  /** The shard a routing key's jobs are in. */
  shardFor(routingKey: string): Queue {
    return this.shards[queueShardOf(routingKey, this.shards.length)] as Queue;
  }

  add(name: string, data: unknown, opts?: JobsOptions): Promise<Job> {
    return this.shardFor(routingKey(name, data, opts)).add(name, data, opts);
  }

  /** Adds the job and says which shard took it (to wait on that shard's QueueEvents). */
  async addTo(name: string, data: unknown, opts?: JobsOptions): Promise<{ job: Job; shard: number }> {
    const shard = queueShardOf(routingKey(name, data, opts), this.shards.length);
    return { job: await (this.shards[shard] as Queue).add(name, data, opts), shard };
  }

  /** A job by the id it was added with (undefined when gone). */
  getJob(jobId: string): Promise<Job | undefined> {
    return this.shardFor(jobId).getJob(jobId);
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.shards.map((queue) => queue.waitUntilReady()));
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((queue) => queue.close()));
  }
}

/**
 * A worker on every shard of a queue: together this process's share of the queue's work. The
 * concurrency asked for is the process's, split over the shards (rounded up), so its load stays.
 */
export function startShardedWorkers(
  name: string,
  processor: Processor,
  keys: RedisKeys,
  count: number,
  options: Omit<WorkerOptions, 'prefix'>,
): Worker[] {
  return Array.from(
    { length: count },
    (_, shard) =>
      new Worker(name, processor, {
        ...options,
        concurrency: Math.max(1, Math.ceil((options.concurrency ?? 1) / count)),
        prefix: keys.bullPrefix(name, shard),
      }),
  );
}

/** QueueEvents for every shard of a queue, index for index with `ShardedQueue.shards`. */
export function shardedQueueEvents(
  name: string,
  connect: () => Redis,
  keys: RedisKeys,
  count: number,
): QueueEvents[] {
  return Array.from(
    { length: count },
    (_, shard) => new QueueEvents(name, { connection: connect(), prefix: keys.bullPrefix(name, shard) }),
  );
}
