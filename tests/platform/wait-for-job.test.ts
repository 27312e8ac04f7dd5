import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForJob } from '../../src/platform/wait-for-job.js';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';

/** waitForJob on real BullMQ: what the API's on-demand probe and the reboot verifier wait with. */
describe('waiting for a job', () => {
  let redis: TestRedis;
  let queue: Queue;
  let events: QueueEvents;
  let worker: Worker;
  const connection = () => new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });

  beforeAll(async () => {
    redis = await createTestRedis();
    const prefix = `${redis.prefix}:bull`;
    queue = new Queue('wait-test', { connection: connection(), prefix });
    events = new QueueEvents('wait-test', { connection: connection(), prefix });
    worker = new Worker(
      'wait-test',
      async (job) => {
        if (job.name === 'fail') throw new Error('the device did not answer');
        if (job.name === 'slow') await new Promise((resolve) => setTimeout(resolve, 2_000));
        return { deviceId: (job.data as { deviceId: string }).deviceId, outcome: 'ok' };
      },
      { connection: connection(), prefix },
    );
    await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
  });

  afterAll(async () => {
    await worker?.close();
    await events?.close();
    await queue?.close();
    await redis?.close();
  });

  it('resolves with what the job returned, also when it finished before the wait began', async () => {
    const job = await queue.add('probe', { deviceId: 'cpe-1' });
    expect(await waitForJob(queue, events, job.id!, 5_000)).toEqual({ deviceId: 'cpe-1', outcome: 'ok' });
    // Finished already: no event will come, the first look must see it.
    expect(await waitForJob(queue, events, job.id!, 5_000)).toEqual({ deviceId: 'cpe-1', outcome: 'ok' });
  });

  it('rejects with the reason a job failed, and when it does not finish in time', async () => {
    const failing = await queue.add('fail', {});
    await expect(waitForJob(queue, events, failing.id!, 5_000)).rejects.toThrow('the device did not answer');
    const slow = await queue.add('slow', {});
    await expect(waitForJob(queue, events, slow.id!, 200)).rejects.toThrow(/did not finish within 200 ms/);
  });

  it('rejects, never escapes as an unhandled rejection, when Redis cannot be asked', async () => {
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    // A fail-fast connection (as the API's queue producers have) that has lost Redis.
    const failFast = new Redis(TEST_REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: null });
    const gone = new Queue('wait-test', { connection: failFast, prefix: `${redis.prefix}:bull` });
    await gone.waitUntilReady();
    failFast.disconnect();
    try {
      await expect(waitForJob(gone, events, 'no-such-job', 5_000)).rejects.toThrow(/writeable|closed/i);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await gone.close().catch(() => undefined);
    }
  });
});
