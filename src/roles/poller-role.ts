import { DEFAULT_POLL_SHARDS } from '../polling/poll-schedule.js';
import { POLL_QUEUE, PROBE_QUEUE } from '../platform/queue-names.js';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import { createInventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import type { ProcessRole } from './process-role.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { withWorkerErrors } from '../platform/worker-errors.js';
import { ShardedQueue, startShardedWorkers } from '../platform/sharded-queue.js';
import { UdpGetTransport } from '../snmp/udp-get-transport.js';
import { liveProbes } from '../reload/live-files.js';
import { createDevicePoller } from '../polling/poll-device.js';
import { createPollService, type PollReport, type PollService } from '../polling/poll-service.js';
import { createPollerStateStore } from '../polling/poller-state-store.js';
import { InFlightLimit } from '../polling/in-flight-limit.js';
import { DEFAULT_POLLS_IN_FLIGHT } from '../polling/polling-env.js';
import { createScheduleStore } from '../polling/schedule-store.js';
import { createDeviceHostIndex, syncSchedule } from '../polling/sync-schedule.js';
import { probeProcessor } from './probe-processor.js';
import { startTrapRepoll, type TrapRepollDeps } from '../polling/trap-repoll.js';
import { DEFAULT_OUTAGE_CHECK_CONFIG } from '../polling/outage-check.js';
import { createOutageChecks, type OutageChecks } from '../polling/outage-checks.js';
import { announceFromTrap } from '../polling/trap-announcements.js';
import { mendPollSchedulers, schedulePollTicks, STALLED_SCHEDULER_MS } from './poll-schedulers.js';
import type { TrapReceiver } from '../snmp/trap-receiver.js';

export interface PollerOptions {
  /** Shards of the fleet: each has its own due set and its own tick job, so pollers share them. */
  shards: number;
  tickMs: number;
  /** Most devices one tick of one shard takes at once (a backlog drains over several ticks). */
  claimLimit: number;
  /** Shard ticks processed at once by this process. */
  tickConcurrency: number;
  /** How often the schedule is checked against the inventory. */
  syncEveryMs: number;
  probesDir: string;
  /** Told of every batch polled (metrics, tests). */
  onPolled?: (reports: readonly PollReport[]) => void;
}

export const DEFAULT_POLLER_OPTIONS: PollerOptions = {
  shards: DEFAULT_POLL_SHARDS,
  tickMs: 1_000,
  claimLimit: 5_000,
  // Every shard's tick at once: a tick waits for its slowest device (a timeout), and it must not hold
  // the other shards' due devices back (under an outage most devices time out).
  tickConcurrency: 64,
  syncEveryMs: 15_000,
  probesDir: 'probes',
};

export interface PollerContext {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
}

export interface PollerRole extends ProcessRole {
  /** The service this role polls with (for a co-located API or tests). */
  service(): PollService | undefined;
}

/**
 * The poller role: shard ticks scheduled on BullMQ (a few dozen job schedulers, not one per device)
 * claim the devices due in their shard and poll them; on-demand probes run from their own queue.
 * Any number of poller processes share the work; a killed one's shards are ticked by the others.
 */
export function createPollerRole(ctx: PollerContext, overrides: Partial<PollerOptions> = {}): PollerRole {
  return new PollerProcess(ctx, {
    ...DEFAULT_POLLER_OPTIONS,
    shards: ctx.config.pollShards,
    tickConcurrency: ctx.config.pollShards,
    probesDir: ctx.config.probesDir,
    tickMs: ctx.config.pollTickMs ?? DEFAULT_POLLER_OPTIONS.tickMs,
    syncEveryMs: ctx.config.pollSyncEveryMs ?? DEFAULT_POLLER_OPTIONS.syncEveryMs,
    ...overrides,
  });
}

/** What syncSchedule and the device address index read. */
type Fleet = Parameters<typeof syncSchedule>[0];

class PollerProcess implements PollerRole {
  readonly name = 'poller';
  readonly stage = 'workers' as const;
  private readonly log: Logger;
  private connection: Redis | undefined;
  private transport: UdpGetTransport | undefined;
  private pollQueue: ShardedQueue | undefined;
  private probeQueue: ShardedQueue | undefined;
  private traps: TrapReceiver | undefined;
  private hostRefresh: NodeJS.Timeout | undefined;
  private mending: NodeJS.Timeout | undefined;
  private workers: Worker[] = [];
  private polling: PollService | undefined;
  private readonly queueShards: number; // VIGIL_QUEUE_SHARDS: this poller works on every shard

  constructor(
    private readonly ctx: PollerContext,
    private readonly options: PollerOptions,
  ) {
    this.log = ctx.logger.child({ module: 'polling' });
    this.queueShards = ctx.config.queueShards ?? 1;
  }

  service(): PollService | undefined {
    return this.polling;
  }

  async start(): Promise<void> {
    const { ctx, options } = this;
    // A poller waits for Redis at start (BullMQ's advice for workers); the API fails fast instead.
    await waitForRedis(ctx.redis, 60_000);
    const probes = await liveProbes(ctx, options.probesDir);
    this.transport = new UdpGetTransport();
    const inventory = createInventoryStore({ redis: ctx.redis, keys: ctx.keys });
    const service = createPollService({
      redis: ctx.redis,
      keys: ctx.keys,
      inventory,
      probes,
      authProfiles: ctx.config.authProfiles,
      poller: createDevicePoller(this.transport),
      states: createPollerStateStore(ctx.redis, ctx.keys, options.shards),
      log: ctx.logger,
      // One cap for the whole process: 64 shard ticks of up to 256 polls each would otherwise put
      // 16k requests out at once, and their answers overflow the socket's queue (polling-env.ts).
      inFlight: new InFlightLimit(ctx.config.pollsInFlight ?? DEFAULT_POLLS_IN_FLIGHT),
    });
    this.polling = service;
    const schedule = createScheduleStore(ctx.redis, ctx.keys, options.shards);
    const fleet: Fleet = {
      redis: ctx.redis,
      keys: ctx.keys,
      logger: ctx.logger,
      authProfiles: ctx.config.authProfiles,
    };
    await syncSchedule(fleet, schedule, service, true);
    this.connection = createRedisConnection(ctx.config.redisUrl, 'worker', 'vigil-poller');
    await this.scheduleTicks(this.connection);
    this.probeQueue = new ShardedQueue(PROBE_QUEUE, this.connection, ctx.keys, this.queueShards);
    const checks = createOutageChecks({
      redis: ctx.redis,
      keys: ctx.keys,
      inventory,
      probeQueue: this.probeQueue,
      service,
      config: {
        ...DEFAULT_OUTAGE_CHECK_CONFIG,
        sampleSize: ctx.config.outageCheckChildren ?? DEFAULT_OUTAGE_CHECK_CONFIG.sampleSize,
      },
      log: ctx.logger,
    });
    this.workers = this.startWorkers(this.connection, fleet, schedule, service, checks);
    if (ctx.config.trapPort > 0)
      await this.startTraps(
        fleet,
        this.probeQueue,
        announcer(ctx, inventory, this.probeQueue, service, checks),
      );
    this.log.info(
      {
        shards: options.shards,
        probes: [...probes.keys()],
        traps: this.traps ? `${ctx.config.trapHost}:${ctx.config.trapPort}` : 'off',
      },
      'poller started',
    );
  }

  async close(): Promise<void> {
    if (this.hostRefresh) clearInterval(this.hostRefresh);
    if (this.mending) clearInterval(this.mending);
    await this.traps?.close();
    await Promise.all(this.workers.map((w) => w.close()));
    await this.probeQueue?.close();
    await this.pollQueue?.close();
    await this.transport?.close();
    this.connection?.disconnect();
  }

  /** The shard ticks' schedulers, and every few seconds a look for a chain BullMQ broke (poll-schedulers.ts). */
  private async scheduleTicks(connection: Redis): Promise<void> {
    const { options, log } = this;
    const defaults = { removeOnComplete: true, removeOnFail: 100 };
    const queue = new ShardedQueue(POLL_QUEUE, connection, this.ctx.keys, this.queueShards, defaults);
    this.pollQueue = queue;
    await schedulePollTicks(queue, options);
    this.mending = setInterval(() => {
      mendPollSchedulers(queue, options, Date.now())
        .then((mended) => {
          if (mended.length > 0) log.warn({ schedulers: mended }, 'poll schedulers had no next job: mended');
        })
        .catch((error: unknown) => log.warn({ err: error }, 'poll scheduler check failed'));
    }, STALLED_SCHEDULER_MS);
  }

  /** The tick/sync worker and the on-demand probe worker. */
  private startWorkers(
    connection: Redis,
    fleet: Fleet,
    schedule: ReturnType<typeof createScheduleStore>,
    service: PollService,
    checks: OutageChecks,
  ): Worker[] {
    const { options } = this;
    const [keys, count] = [this.ctx.keys, this.queueShards];
    const workers = [
      ...startShardedWorkers(
        POLL_QUEUE,
        withWorkerErrors(async (job: Job<{ shard?: number }>) => {
          if (job.name === 'sync') return syncSchedule(fleet, schedule, service, false);
          const ids = await schedule.claimDue(job.data.shard ?? 0, Date.now(), options.claimLimit);
          if (ids.length === 0) return undefined;
          // Not `onPolled?.(await …)`: optional chaining would skip the poll itself when no hook is set.
          const reports = await service.pollDevices(ids);
          options.onPolled?.(reports);
          await checks.afterPolls(reports);
          return undefined;
        }),
        keys,
        count,
        { connection, concurrency: options.tickConcurrency },
      ),
      ...startShardedWorkers(
        PROBE_QUEUE,
        withWorkerErrors(probeProcessor(service, checks, options.onPolled)),
        keys,
        count,
        { connection, concurrency: 64 },
      ),
    ];
    for (const worker of workers)
      worker.on('error', (error) => this.log.warn({ err: error }, 'poller worker error'));
    return workers;
  }

  /** The trap receiver, with the device address index it finds a trap's device by. */
  private async startTraps(
    fleet: Fleet,
    probeQueue: ShardedQueue,
    announce: TrapRepollDeps['announce'],
  ): Promise<void> {
    const { ctx, log } = this;
    const hosts = createDeviceHostIndex(fleet);
    await hosts.refresh();
    this.hostRefresh = setInterval(
      () =>
        void hosts
          .refresh()
          .catch((error: unknown) => log.warn({ err: error }, 'device address index refresh failed')),
      this.options.syncEveryMs,
    );
    this.traps = await startTrapRepoll({
      redis: ctx.redis,
      keys: ctx.keys,
      probeQueue,
      authProfiles: ctx.config.authProfiles,
      deviceByHost: (address) => hosts.lookup(address),
      host: ctx.config.trapHost,
      port: ctx.config.trapPort,
      log: ctx.logger,
      announce,
    });
  }
}

/** At most one announcement per device a minute: a real device sends its dying gasp once. */
const ANNOUNCEMENT_COOLDOWN_MS = 60_000;

/** What a known device's trap announces beyond a re-poll (see trap-announcements.ts). */
function announcer(
  ctx: PollerContext,
  inventory: ReturnType<typeof createInventoryStore>,
  probeQueue: ShardedQueue,
  service: PollService,
  checks: OutageChecks,
): TrapRepollDeps['announce'] {
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    inventory,
    probeQueue,
    service,
    checks,
    cooldownMs: ANNOUNCEMENT_COOLDOWN_MS,
    log: ctx.logger.child({ module: 'traps' }),
  };
  return (deviceId, trap) => announceFromTrap(deps, deviceId, trap);
}
