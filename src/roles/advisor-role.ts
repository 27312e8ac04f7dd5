import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../platform/logger.js';
import type { ProcessRole } from './process-role.js';
import { createRedisConnection } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { tryLock, type HeldLock } from '../platform/redis-lock.js';
import { createPollerStateStore } from '../polling/poller-state-store.js';
import { createAdvisor, type Advisor, type StepReport } from '../diagnosis/advisor.js';
import { createFindingsMirror, type FindingsMirror } from '../diagnosis/findings-mirror.js';
import { livePlaybooks } from '../reload/live-files.js';

export interface AdvisorOptions {
  /** Longest wait for a finding change before a step runs anyway (time-based rules, settling outages). */
  followMs: number;
  /** How often every device with findings or live suggestions is planned afresh (openFor rules). */
  replanEveryMs: number;
  /** How often the findings are re-read in full from the pollers' state (heals a trimmed stream). */
  reloadEveryMs: number;
  /** The leader lock's expiry: a dead leader's place is taken after this. */
  leaseMs: number;
  /** Told of every step (tests, metrics). */
  onStep?: (report: StepReport) => void;
}

export const DEFAULT_ADVISOR_OPTIONS: AdvisorOptions = {
  followMs: 250,
  replanEveryMs: 30_000,
  reloadEveryMs: 60_000,
  leaseMs: 15_000,
};

export interface AdvisorContext {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
}

export interface AdvisorRole extends ProcessRole {
  /** True while this process holds the leader lock and advises. */
  leading(): boolean;
}

/**
 * Runs the advisor in whichever worker process holds the leader lock: correlation must see the whole
 * fleet's findings at once, so exactly one advises; the others stand by and take over within a lease
 * when it dies. Redis going away is waited out, never a crash.
 */
export function createAdvisorRole(
  context: AdvisorContext,
  overrides: Partial<AdvisorOptions> = {},
): AdvisorRole {
  const options = { ...DEFAULT_ADVISOR_OPTIONS, ...overrides };
  const log = context.logger.child({ module: 'advisor' });
  let reader: Redis | undefined;
  let running = false;
  let loop: Promise<void> | undefined;
  let lock: HeldLock | undefined;

  async function lead(advisor: Advisor, mirror: FindingsMirror): Promise<void> {
    await advisor.prime();
    let lastReplan = Date.now();
    let lastReload = Date.now();
    let lastTrim = 0;
    while (running && lock) {
      advisor.touch(await mirror.follow(options.followMs));
      if (!running) break;
      const now = Date.now();
      if (now - lastReload >= options.reloadEveryMs) {
        advisor.touch(await mirror.reload());
        lastReload = now;
      }
      if (now - lastReplan >= options.replanEveryMs) {
        await advisor.touchAll();
        lastReplan = now;
      }
      if (now - lastTrim >= 3_600_000) {
        await advisor.trimClosed(now);
        lastTrim = now;
      }
      const report = await advisor.step(now);
      options.onStep?.(report);
      if (!(await lock.extend(options.leaseMs))) {
        log.warn('advisor lease lost; standing by');
        lock = undefined;
      }
    }
  }

  async function run(): Promise<void> {
    const playbooks = await livePlaybooks(context, context.config.playbooksDir);
    const states = createPollerStateStore(context.redis, context.keys, context.config.pollShards);
    while (running) {
      try {
        lock = await tryLock(context.redis, context.keys.advisorLeader(), options.leaseMs);
        if (!lock) {
          await sleep(Math.min(2_000, options.leaseMs / 3));
          continue;
        }
        log.info('advising (leader)');
        const mirror = createFindingsMirror({
          redis: context.redis,
          reader: reader as Redis,
          keys: context.keys,
          states,
        });
        const advisor = createAdvisor({
          redis: context.redis,
          keys: context.keys,
          logger: context.logger,
          playbooks,
          mirror,
          correlation: context.config.correlation,
        });
        await lead(advisor, mirror);
      } catch (error) {
        if (!running) break;
        log.warn({ err: error }, 'advisor step failed; retrying');
        // Start over cleanly (a fresh prime); if Redis is gone the lease simply expires.
        await lock?.release().catch(() => undefined);
        lock = undefined;
        await sleep(1_000);
      }
    }
    if (lock) await lock.release().catch(() => undefined);
    lock = undefined;
  }

  return {
    name: 'worker',
    stage: 'workers',
    async start() {
      // Fail at start, not in the loop, when the playbooks do not compile: `vigil check` says why.
      await livePlaybooks(context, context.config.playbooksDir);
      reader = createRedisConnection(context.config.redisUrl, 'worker', 'vigil-advisor');
      running = true;
      loop = run();
    },
    async close() {
      running = false;
      // The blocked XREAD holds the loop; disconnecting ends it at once.
      reader?.disconnect();
      await loop;
    },
    leading: () => lock !== undefined,
  };
}
