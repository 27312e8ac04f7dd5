import { Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import { livePlaybooks, liveProbes } from '../reload/live-files.js';
import type { Logger } from '../platform/logger.js';
import type { ProcessRole } from './process-role.js';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { createSuggestionStore } from '../diagnosis/suggestion-store.js';
import { tryLock } from '../platform/redis-lock.js';
import { createAcceptedSweeper } from '../actions/accepted-sweeper.js';
import { ACTIONS_QUEUE, createActionQueue } from '../actions/action-queue.js';
import { createActionRunner } from '../actions/action-runner.js';
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
  checkEveryMs?: number;
}

export const DEFAULT_ACTIONS_OPTIONS: ActionsOptions = { concurrency: 50, lockDurationMs: 15_000 };

/** The worker role's second half: runs accepted suggestions and NOC reboots from the actions queue. */
export function createActionsRole(
  context: ActionsContext,
  overrides: Partial<ActionsOptions> = {},
): ProcessRole {
  const options = { ...DEFAULT_ACTIONS_OPTIONS, ...overrides };
  const log = context.logger.child({ module: 'actions' });
  let worker: Worker | undefined;
  let prober: ProbeClient | undefined;
  let connection: Redis | undefined;
  let queueConnection: Redis | undefined;
  let queue: Queue | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  return {
    name: 'worker-actions',
    stage: 'workers',
    async start() {
      const probes = await liveProbes(context, context.config.probesDir);
      const playbooks = await livePlaybooks(context, context.config.playbooksDir);
      prober = createProbeClient(context.config.redisUrl, context.keys);
      const runner = createActionRunner({
        ...context,
        playbooks,
        probes,
        prober,
        ...(options.checkEveryMs !== undefined ? { checkEveryMs: options.checkEveryMs } : {}),
      });
      worker = new Worker(
        ACTIONS_QUEUE,
        async (job: Job<{ actionId: string }>) => {
          const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          const action = await runner.run(job.data.actionId, final);
          return { state: action?.state, outcome: action?.outcome };
        },
        {
          connection: (connection = createRedisConnection(
            context.config.redisUrl,
            'worker',
            'vigil-actions',
          )),
          prefix: context.keys.bullPrefix(),
          concurrency: options.concurrency,
          lockDuration: options.lockDurationMs,
          stalledInterval: Math.max(1_000, Math.floor(options.lockDurationMs / 2)),
          maxStalledCount: 10,
        },
      );
      worker.on('failed', (job, error) =>
        log.warn(
          { err: error, actionId: (job?.data as { actionId?: string } | undefined)?.actionId },
          'action attempt failed',
        ),
      );
      worker.on('error', (error) => log.warn({ err: error }, 'actions worker error'));

      // Accepts whose action was never queued (a crash between the compare-and-set and the enqueue).
      // Every worker runs the sweeper; a lock held for one period makes it one sweep per period.
      queueConnection = createRedisConnection(context.config.redisUrl, 'worker', 'vigil-actions-sweeper');
      queue = createActionQueue(queueConnection, context.keys);
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
      sweepTimer = setInterval(() => {
        if (sweeping) return;
        sweeping = sweep()
          .catch((error: unknown) => log.warn({ err: error }, 'accepted sweep failed'))
          .finally(() => (sweeping = undefined));
      }, acceptSweepMs);
      sweepTimer.unref();
    },
    async close() {
      clearInterval(sweepTimer);
      await sweeping;
      await queue?.close();
      queueConnection?.disconnect();
      await worker?.close();
      await prober?.close();
      connection?.disconnect();
    },
  };
}
