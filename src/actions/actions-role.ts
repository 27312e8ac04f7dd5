import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import { livePlaybooks, liveProbes } from '../reload/live-files.js';
import type { Logger } from '../platform/logger.js';
import type { ProcessRole } from '../platform/process-role.js';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { ACTIONS_QUEUE } from './action-queue.js';
import { createActionRunner } from './action-runner.js';
import { createProbeClient, type ProbeClient } from './probe-client.js';

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
    },
    async close() {
      await worker?.close();
      await prober?.close();
      connection?.disconnect();
    },
  };
}
