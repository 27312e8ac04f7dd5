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
import { InventoryTopologyCache } from '../diagnosis/inventory-topology.js';
import { createFindingsMirror, type FindingsMirror } from '../diagnosis/findings-mirror.js';
import { livePlaybooks } from '../reload/live-files.js';
import { stopReaderLoop } from '../platform/stop-reader-loop.js';

export interface AdvisorOptions {
  /** Longest wait for a finding change before a step runs anyway (time-based rules, settling outages). */
  followMs: number;
  /** How often every device with findings or live suggestions is planned afresh (openFor rules). */
  replanEveryMs: number;
  /** How often the findings are re-read in full from the pollers' state (heals a trimmed stream). */
  reloadEveryMs: number;
  /**
   * The leader lock's expiry: a dead leader's place is taken within this plus a standby's look
   * (leaseMs / 3, at most 1 s). A live leader renews it every leaseMs / 3 on a timer of its own, so a
   * long step never loses it; only a process that died or cannot reach Redis does.
   */
  leaseMs: number;
  /** Told of every step (tests, metrics). */
  onStep?: (report: StepReport) => void;
}

export const DEFAULT_ADVISOR_OPTIONS: AdvisorOptions = {
  followMs: 250,
  replanEveryMs: 30_000,
  reloadEveryMs: 60_000,
  // Fault drill kill-steps: a leader SIGKILLed mid-step is replaced within 10 s (6 s + 1 s + the prime).
  leaseMs: 6_000,
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
  return new AdvisorProcess(context, { ...DEFAULT_ADVISOR_OPTIONS, ...overrides });
}

type Playbooks = Awaited<ReturnType<typeof livePlaybooks>>;
type PollerStates = ReturnType<typeof createPollerStateStore>;

class AdvisorProcess implements AdvisorRole {
  readonly name = 'worker';
  readonly stage = 'workers' as const;
  private readonly log: Logger;
  private reader: Redis | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private lock: HeldLock | undefined;
  /** Outlives a leadership term: a new term at the same inventory version does not load it again. */
  private readonly topologies: InventoryTopologyCache;

  constructor(
    private readonly context: AdvisorContext,
    private readonly options: AdvisorOptions,
  ) {
    this.log = context.logger.child({ module: 'advisor' });
    this.topologies = new InventoryTopologyCache(context.redis, context.keys);
  }

  async start(): Promise<void> {
    const { context } = this;
    // Fail at start, not in the loop, when the playbooks do not compile: `vigil check` says why.
    await livePlaybooks(context, context.config.playbooksDir);
    this.reader = createRedisConnection(context.config.redisUrl, 'worker', 'vigil-advisor');
    this.running = true;
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.running = false;
    // The blocked XREAD holds the loop; disconnecting ends it (or, Redis gone, the wait is bounded).
    await stopReaderLoop(this.reader, this.loop);
  }

  leading(): boolean {
    return this.lock !== undefined;
  }

  /** Stands by until the leader lock is free, then advises; any failure starts over with a fresh prime. */
  private async run(): Promise<void> {
    const { context, options } = this;
    const playbooks = await livePlaybooks(context, context.config.playbooksDir);
    const states = createPollerStateStore(context.redis, context.keys, context.config.pollShards);
    while (this.running) {
      try {
        this.lock = await tryLock(context.redis, context.keys.advisorLeader(), options.leaseMs);
        if (!this.lock) {
          await sleep(Math.min(1_000, options.leaseMs / 3));
          continue;
        }
        this.log.info('advising (leader)');
        await this.lead(playbooks, states);
      } catch (error) {
        if (!this.running) break;
        this.log.warn({ err: error }, 'advisor step failed; retrying');
        // Start over cleanly (a fresh prime); if Redis is gone the lease simply expires.
        await this.lock?.release().catch(() => undefined);
        this.lock = undefined;
        await sleep(1_000);
      }
    }
    if (this.lock) await this.lock.release().catch(() => undefined);
    this.lock = undefined;
  }

  /** Advises for as long as this process holds the lease. */
  private async lead(playbooks: Playbooks, states: PollerStates): Promise<void> {
    const { context, options } = this;
    const mirror = createFindingsMirror({
      redis: context.redis,
      reader: this.reader as Redis,
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
      topologies: this.topologies,
    });
    const heartbeat = setInterval(() => void this.renew(), options.leaseMs / 3);
    try {
      await advisor.prime();
      const last = { replan: Date.now(), reload: Date.now(), trim: 0 };
      while (this.running && this.lock) {
        advisor.touch(await mirror.follow(options.followMs));
        if (!this.running || !this.lock) break;
        const now = Date.now();
        await this.housekeep(advisor, mirror, last, now);
        const report = await advisor.step(now);
        options.onStep?.(report);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Renews the lease; lost (expired and taken by another), this process stands by after its step. */
  private async renew(): Promise<void> {
    const lock = this.lock;
    if (!lock) return;
    try {
      if (await lock.extend(this.options.leaseMs)) return;
      this.log.warn('advisor lease lost; standing by');
      if (this.lock === lock) this.lock = undefined;
    } catch {
      // Redis unreachable: nobody else can take the lock either; the next beat tries again.
    }
  }

  /** The periodic work between steps: re-read the findings, plan every device afresh, trim closed records. */
  private async housekeep(
    advisor: Advisor,
    mirror: FindingsMirror,
    last: { replan: number; reload: number; trim: number },
    now: number,
  ): Promise<void> {
    if (now - last.reload >= this.options.reloadEveryMs) {
      advisor.touch(await mirror.reload());
      last.reload = now;
    }
    if (now - last.replan >= this.options.replanEveryMs) {
      await advisor.touchAll();
      last.replan = now;
    }
    if (now - last.trim >= 3_600_000) {
      await advisor.trimClosed(now);
      last.trim = now;
    }
  }
}
