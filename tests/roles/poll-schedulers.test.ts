import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { mendPollSchedulers, schedulePollTicks, tickOffset } from '../../src/roles/poll-schedulers.js';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';

const schedule = { shards: 2, tickMs: 1_000, syncEveryMs: 1_000 };

describe('poll schedulers', () => {
  let test: TestRedis | undefined;
  let queue: Queue | undefined;
  let connection: Redis | undefined;
  afterEach(async () => {
    await queue?.close();
    connection?.disconnect();
    await test?.close();
  });

  async function pollQueue(): Promise<Queue> {
    test = await createTestRedis();
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('poll', { connection, prefix: test.keys.bullPrefix('poll') });
    await schedulePollTicks(queue, schedule);
    return queue;
  }

  const nextJobOf = async (q: Queue, id: string): Promise<string | undefined> =>
    (await q.getJobs(['delayed', 'wait'])).find((job) => job.repeatJobKey === id)?.id;

  it('leaves schedulers whose next job is on time alone', async () => {
    const q = await pollQueue();
    expect(await mendPollSchedulers(q, schedule, Date.now())).toEqual([]);
  });

  it('gives a scheduler whose chain broke (its next job never added) a next job again', async () => {
    const q = await pollQueue();
    // What a worker leaves when Redis refuses the next iteration's write (maxmemory): the scheduler's
    // next time passes with no job behind it.
    const broken = await nextJobOf(q, 'shard-0');
    expect(broken).toBeDefined();
    // BullMQ refuses to remove a scheduler's job, so it goes the way it never came: straight from Redis.
    await test?.redis.zrem(q.toKey('delayed'), broken as string);
    await test?.redis.del(q.toKey(broken as string));
    expect(await nextJobOf(q, 'shard-0')).toBeUndefined();
    const scheduler = await q.getJobScheduler('shard-0');
    const later = (scheduler?.next ?? Date.now()) + 10_000;

    const mended = await mendPollSchedulers(q, schedule, later);

    expect(mended).toContain('shard-0');
    expect(await nextJobOf(q, 'shard-0')).toBeDefined();
    // The others' jobs were only waiting: still one each, not two.
    for (const id of ['shard-1', 'sync'])
      expect((await q.getJobs(['delayed', 'wait'])).filter((job) => job.repeatJobKey === id)).toHaveLength(1);
  });

  it('gives a scheduler a next job again when its last one was taken but the one after never added', async () => {
    const q = await pollQueue();
    // What a worker leaves when it takes a tick and Redis refuses the next iteration's write: the job
    // active, dropped unrun, and the scheduler still pointing at it (the Redis-full drill met this).
    const taken = await nextJobOf(q, 'shard-0');
    expect(taken).toBeDefined();
    await test?.redis.zrem(q.toKey('delayed'), taken as string);
    await test?.redis.lpush(q.toKey('active'), taken as string);
    expect(await q.getJobState(taken as string)).toBe('active');
    const scheduler = await q.getJobScheduler('shard-0');
    const later = (scheduler?.next ?? Date.now()) + 10_000;

    expect(await mendPollSchedulers(q, schedule, later)).toEqual(['shard-0']);
    const next = await nextJobOf(q, 'shard-0');
    expect(next).toBeDefined();
    expect(next).not.toBe(taken);
  });

  it('leaves a late scheduler alone while its next job waits for a free slot', async () => {
    const q = await pollQueue();
    const scheduler = await q.getJobScheduler('shard-1');
    const waiting = await nextJobOf(q, 'shard-1');
    // A minute on, every worker still busy: the tick is late, and still there.
    const later = (scheduler?.next ?? Date.now()) + 60_000;
    expect(await mendPollSchedulers(q, schedule, later)).not.toContain('shard-1');
    expect(await nextJobOf(q, 'shard-1')).toBe(waiting);
  });

  it('puts back a scheduler that is missing altogether', async () => {
    const q = await pollQueue();
    await q.removeJobScheduler('sync');
    expect(await mendPollSchedulers(q, schedule, Date.now())).toEqual(['sync']);
    expect(await nextJobOf(q, 'sync')).toBeDefined();
  });

  it("spreads the shards' ticks over the tick interval instead of ticking them all at once", async () => {
    test = await createTestRedis();
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('poll', { connection, prefix: test.keys.bullPrefix('poll') });
    const wide = { shards: 8, tickMs: 1_000, syncEveryMs: 60_000 };
    await schedulePollTicks(queue, wide);
    const phases = [];
    for (let shard = 0; shard < wide.shards; shard++) {
      const scheduler = await queue.getJobScheduler(`shard-${shard}`);
      phases.push((scheduler?.next ?? Number.NaN) % wide.tickMs);
    }
    // Each shard at its own place in the second, 125 ms apart, whatever the moment they were upserted.
    expect(phases).toEqual(Array.from({ length: 8 }, (_, shard) => tickOffset(shard, wide)));
    expect(new Set(phases).size).toBe(8);
    expect(tickOffset(7, wide) - tickOffset(0, wide)).toBe(875);
  });

  it('moves schedulers made without offsets (all ticking in step) to their own places in the second', async () => {
    test = await createTestRedis();
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('poll', { connection, prefix: test.keys.bullPrefix('poll') });
    const wide = { shards: 4, tickMs: 1_000, syncEveryMs: 60_000 };
    // As an earlier version made them: no offset, each at its upsert time, a few ms apart.
    for (let shard = 0; shard < wide.shards; shard++)
      await queue.upsertJobScheduler(
        `shard-${shard}`,
        { every: wide.tickMs },
        { name: 'tick', data: { shard } },
      );

    await schedulePollTicks(queue, wide);

    for (let shard = 0; shard < wide.shards; shard++) {
      const scheduler = await queue.getJobScheduler(`shard-${shard}`);
      expect((scheduler?.next ?? Number.NaN) % wide.tickMs, `shard-${shard}`).toBe(tickOffset(shard, wide));
      // One next tick scheduled each, not the old chain's beside the new (the old chain's first tick,
      // due at once and never taken here, may still wait: a tick more, whose worker adds no next one).
      const jobs = await queue.getJobs(['delayed']);
      expect(jobs.filter((job) => job.repeatJobKey === `shard-${shard}`)).toHaveLength(1);
    }
  });
});
