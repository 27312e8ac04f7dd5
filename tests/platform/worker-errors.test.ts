import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asWorkerError, withWorkerErrors } from '../../src/platform/worker-errors.js';
import { AppError } from '../../src/shared/app-error.js';
import { until } from '../helpers/wait.js';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';

describe('asWorkerError', () => {
  it('turns an AppError whose code is not retryable into an UnrecoverableError that names it', () => {
    const original = new AppError('ERR_DEVICE_NOT_FOUND', 'no device "cpe-9"');
    const error = asWorkerError(original);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('ERR_DEVICE_NOT_FOUND: no device "cpe-9"');
    expect((error as Error).cause).toBe(original);
  });

  it('leaves retryable AppErrors and foreign errors as they are', () => {
    const locked = new AppError('ERR_INVENTORY_LOCKED', 'import running');
    const raced = new AppError('ERR_SUGGESTION_CONFLICT', 'keeps changing', { retryable: true });
    const foreign = new Error('connection reset');
    expect(asWorkerError(locked)).toBe(locked);
    expect(asWorkerError(raced)).toBe(raced);
    expect(asWorkerError(foreign)).toBe(foreign);
  });
});

describe('withWorkerErrors on a real BullMQ queue and worker', () => {
  const QUEUE = 'worker-errors-test';
  let redis: TestRedis;
  let connection: Redis;
  let queue: Queue;
  let worker: Worker;
  /** Runs of each job so far, by job id. */
  const runs = new Map<string, number>();

  /** Each job fails as its name says on its first two runs, then succeeds. */
  function runJob(job: Job<Record<string, never>>): Promise<string> {
    const run = (runs.get(job.id ?? '') ?? 0) + 1;
    runs.set(job.id ?? '', run);
    if (run <= 2 && job.name === 'not-found') throw new AppError('ERR_DEVICE_NOT_FOUND', 'no device "cpe-9"');
    if (run <= 2 && job.name === 'locked') throw new AppError('ERR_INVENTORY_LOCKED', 'import running');
    if (run <= 2 && job.name === 'foreign') throw new Error('connection reset');
    return Promise.resolve('done');
  }

  beforeAll(async () => {
    redis = await createTestRedis();
    // BullMQ's workers need a connection that waits for Redis rather than failing a command.
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE, { connection, prefix: redis.keys.bullPrefix(QUEUE) });
    worker = new Worker(QUEUE, withWorkerErrors(runJob), {
      connection,
      prefix: redis.keys.bullPrefix(QUEUE),
    });
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    connection?.disconnect();
    await redis?.close();
  });

  async function settled(name: string): Promise<Job | undefined> {
    const added = await queue.add(name, {}, { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    return until(
      async () => {
        // The state first, the job after: read the other way round, a job could be read before its
        // failed reason was written and its state after.
        const state = await queue.getJobState(added.id ?? '');
        return state === 'completed' || state === 'failed' ? queue.getJob(added.id ?? '') : undefined;
      },
      { what: `job ${name} completed or failed` },
    );
  }

  it('fails a job at once on an error that can never succeed: one run, not three', async () => {
    const job = (await settled('not-found'))!;
    expect(await job.getState()).toBe('failed');
    expect(runs.get(job.id ?? '')).toBe(1);
    expect(job.failedReason).toBe('ERR_DEVICE_NOT_FOUND: no device "cpe-9"');
  });

  it('retries a job whose error is retryable, until it passes', async () => {
    const job = (await settled('locked'))!;
    expect(await job.getState()).toBe('completed');
    expect(runs.get(job.id ?? '')).toBe(3);
    expect(job.returnvalue).toBe('done');
  });

  it('retries a job on an error that is not ours', async () => {
    const job = (await settled('foreign'))!;
    expect(await job.getState()).toBe('completed');
    expect(runs.get(job.id ?? '')).toBe(3);
  });
});
