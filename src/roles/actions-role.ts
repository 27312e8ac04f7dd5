import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import { livePlaybooks, liveProbes } from '../reload/live-files.js';
import type { Logger } from '../platform/logger.js';
import type { ProcessRole } from './process-role.js';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { withWorkerErrors } from '../platform/worker-errors.js';
import { startShardedWorkers } from '../platform/sharded-queue.js';
import { createSuggestionStore } from '../diagnosis/suggestion-store.js';
import { tryLock } from '../platform/redis-lock.js';
import { createAcceptedSweeper } from '../actions/accepted-sweeper.js';
import { ACTIONS_QUEUE, createActionQueue } from '../actions/action-queue.js';
import { createActionRunner, type ActionRunner } from '../actions/action-runner.js';
import { createProbeClient, type ProbeClient } from '../actions/probe-client.js';

export interface ActionsContext {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
}

export interface ActionsOptions {
  concurrency: number;
  /**
   * How long a job's lock lives without renewal: a worker killed mid-reboot leaves its job to be taken
   * over after this, and the runner carries on from what the action record says was done.
   */
  lockDurationMs: number;
  /** The runner's verification timing (see createActionRunner); tests go faster. */
  checkEveryMs?: number;
  verifyPollEveryMs?: number;
  /** Where verification's fresh polls come from; the pollers' probe queue unless given (in-process tests). */
  prober?: ProbeClient;
}

export const DEFAULT_ACTIONS_OPTIONS: ActionsOptions = { concurrency: 50, lockDurationMs: 15_000 };

/** The worker role's second half: runs accepted suggestions and NOC reboots from the actions queue. */
export function createActionsRole(
  context: ActionsContext,
  overrides: Partial<ActionsOptions> = {},
): ProcessRole {
  const options = { ...DEFAULT_ACTIONS_OPTIONS, ...overrides };
  let prober: ProbeClient | undefined;
  let worker: ActionsWorker | undefined;
  let sweeps: AcceptedSweeps | undefined;
  return {
    name: 'worker-actions',
    stage: 'workers',
    async start() {
      prober =
        options.prober ??
        createProbeClient(context.config.redisUrl, context.keys, context.config.queueShards ?? 1);
      const runner = createActionRunner({
        ...context,
        playbooks: await livePlaybooks(context, context.config.playbooksDir),
        probes: await liveProbes(context, context.config.probesDir),
        prober,
        ...(options.checkEveryMs !== undefined ? { checkEveryMs: options.checkEveryMs } : {}),
        ...(options.verifyPollEveryMs !== undefined ? { verifyPollEveryMs: options.verifyPollEveryMs } : {}),
      });
      worker = startActionsWorker(context, runner, options);
      sweeps = startAcceptedSweeps(context, runner);
    },
    async close() {
      await sweeps?.close();
      await worker?.close();
      // A prober handed in belongs to whoever made it.
      if (!options.prober) await prober?.close();
    },
  };
}

export interface ActionsWorker {
  /** One per queue shard (VIGIL_QUEUE_SHARDS). */
  workers: Worker[];
  close(): Promise<void>;
}

/** The actions queue's worker: each job runs its action through the runner, on a connection of its own. */
export function startActionsWorker(
  context: Pick<ActionsContext, 'logger' | 'keys'> & { config: Pick<Config, 'redisUrl' | 'queueShards'> },
  runner: Pick<ActionRunner, 'run'>,
  options: Pick<ActionsOptions, 'concurrency' | 'lockDurationMs'>,
): ActionsWorker {
  const log = context.logger.child({ module: 'actions' });
  const connection = createRedisConnection(context.config.redisUrl, 'worker', 'vigil-actions');
  const workers = startShardedWorkers(
    ACTIONS_QUEUE,
    withWorkerErrors(async (job: Job<{ actionId: string }>) => {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const action = await runner.run(job.data.actionId, final);
      return { state: action?.state, outcome: action?.outcome };
    }),
    context.keys,
    context.config.queueShards ?? 1,
    {
      connection,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: Math.max(1_000, Math.floor(options.lockDurationMs / 2)),
      maxStalledCount: 10,
    },
  );
  for (const worker of workers) {
    worker.on('failed', (job, error) =>
      log.warn(
        { err: error, actionId: (job?.data as { actionId?: string } | undefined)?.actionId },
        'action attempt failed',
      ),
    );
    worker.on('error', (error) => log.warn({ err: error }, 'actions worker error'));
  }
  return {
    workers,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      connection.disconnect();
    },
  };
}

interface AcceptedSweeps {
  close(): Promise<void>;
}

/**
 * Accepts whose action was never queued (a crash between the compare-and-set and the enqueue), swept
 * every `acceptSweepMs`. Every worker runs the sweeper; a lock held for one period makes it one sweep
 * per period.
 */
function startAcceptedSweeps(context: ActionsContext, runner: ActionRunner): AcceptedSweeps {
  const log = context.logger.child({ module: 'actions' });
  const queueConnection = createRedisConnection(context.config.redisUrl, 'worker', 'vigil-actions-sweeper');
  const queue = createActionQueue(queueConnection, context.keys, context.config.queueShards ?? 1);
  const { acceptSweepMs, acceptGraceMs, acceptExpireMs } = context.config.actions;
  const sweeper = createAcceptedSweeper({
    redis: context.redis,
    keys: context.keys,
    queue,
    suggestions: createSuggestionStore(context.redis, context.keys),
    actions: runner.actions,
    runner,
    logger: context.logger,
    graceMs: acceptGraceMs,
    expireMs: acceptExpireMs,
  });
  const sweep = async (): Promise<void> => {
    if (!(await tryLock(context.redis, context.keys.acceptedSweepLock(), acceptSweepMs - 100))) return;
    const report = await sweeper.sweep();
    if (report.queued + report.failed > 0) log.info(report, 'accepted suggestions swept');
  };
  let sweeping: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = sweep()
      .catch((error: unknown) => log.warn({ err: error }, 'accepted sweep failed'))
      .finally(() => (sweeping = undefined));
  }, acceptSweepMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await sweeping;
      await queue.close();
      queueConnection.disconnect();
    },
  };
}
