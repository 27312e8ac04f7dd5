import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { countInto } from '../platform/fleet-counters.js';
import type { Logger } from '../platform/logger.js';
import { queueJobId } from '../platform/queue-job-id.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import {
  createTrapReceiver,
  type Trap,
  type TrapReceiver,
  type TrapRejection,
} from '../snmp/trap-receiver.js';

export interface TrapRepollDeps {
  redis: Redis;
  keys: RedisKeys;
  probeQueue: Queue;
  authProfiles: ReadonlyMap<string, AuthProfile>;
  /** Device id by management address, kept current by the schedule sync. */
  deviceByHost(address: string): string | undefined;
  host: string;
  port: number;
  log: Logger;
}

const TRAP_EVENTS_MAXLEN = 10_000;

/**
 * Traps are a device telling us it changed (coldStart, linkDown, …): a trap from a known device puts
 * an on-demand probe of it at the head of the line and is recorded; anything else is counted and
 * dropped. Accepted credentials are those of the configured auth profiles.
 */
export async function startTrapRepoll(deps: TrapRepollDeps): Promise<TrapReceiver | undefined> {
  const communities = [...deps.authProfiles.values()].flatMap((p) => (p.community ? [p.community] : []));
  const users = [...deps.authProfiles.values()].flatMap((p) => (p.user ? [p.user] : []));
  const log = deps.log.child({ module: 'traps' });
  const countTrap = async (source: 'known' | 'unknown'): Promise<void> => {
    const pipeline = deps.redis.pipeline();
    countInto(pipeline, deps.keys, 'vigil_traps_total', { source });
    await pipeline.exec();
  };
  const onTrap = async (trap: Trap): Promise<void> => {
    const deviceId = deps.deviceByHost(trap.source.address);
    if (!deviceId) {
      log.debug({ source: trap.source.address, kind: trap.kind }, 'trap from an address no device has');
      await countTrap('unknown');
      return;
    }
    await countTrap('known');
    // One re-poll per device per second, however many traps a flapping link sends. The job ids carry
    // the device id encoded: BullMQ refuses ':' in an id, and inventory ids may hold one.
    const second = Math.floor(trap.receivedAt / 1000);
    let queued = true;
    try {
      await deps.probeQueue.add(
        'probe',
        { deviceId, cause: `trap:${trap.kind}` },
        { jobId: queueJobId('trap', deviceId, second), removeOnComplete: 1000, removeOnFail: 1000 },
      );
      // A second poll shortly after: findings need two polls in a row, and the trap path must not wait
      // for the next scheduled one (up to a whole interval).
      await deps.probeQueue.add(
        'probe',
        { deviceId, cause: `trap:${trap.kind}:confirm` },
        {
          jobId: queueJobId('trap_confirm', deviceId, second),
          delay: 1_500,
          removeOnComplete: 1000,
          removeOnFail: 1000,
        },
      );
    } catch (error) {
      queued = false;
      // Never silent: the trap is still recorded below, and the next scheduled poll sees the device.
      log.warn({ err: error, deviceId, kind: trap.kind }, 'trap: re-poll could not be queued');
      const pipeline = deps.redis.pipeline();
      countInto(pipeline, deps.keys, 'vigil_enqueue_failures_total', { queue: 'probe', by: 'trap' });
      await pipeline.exec().catch(() => undefined);
    }
    await deps.redis.xadd(
      deps.keys.trapEvents(),
      'MAXLEN',
      '~',
      String(TRAP_EVENTS_MAXLEN),
      '*',
      'deviceId',
      deviceId,
      'kind',
      trap.kind,
      'trapOid',
      trap.trapOid,
      'receivedAt',
      String(trap.receivedAt),
    );
    if (queued) log.info({ deviceId, kind: trap.kind }, 'trap: device re-polled now');
  };
  // Rejections are counted in memory and written once a second: a flood of garbage at the trap port
  // must not become a flood of Redis commands.
  const rejected = new Map<TrapRejection, number>();
  const flushRejected = async (): Promise<void> => {
    if (rejected.size === 0) return;
    const pipeline = deps.redis.pipeline();
    for (const [reason, count] of rejected)
      countInto(pipeline, deps.keys, 'vigil_traps_rejected_total', { reason }, count);
    rejected.clear();
    await pipeline.exec().catch(() => undefined);
  };
  const flushTimer = setInterval(() => void flushRejected(), 1_000);
  flushTimer.unref();
  try {
    const receiver = await createTrapReceiver({
      port: deps.port,
      address: deps.host,
      communities,
      users,
      onTrap,
      onRejected: (reason, source, detail) => {
        rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
        log.debug({ reason, source: source?.address, detail }, 'trap rejected');
      },
    });
    return {
      stats: receiver.stats,
      close: async () => {
        clearInterval(flushTimer);
        await receiver.close();
        await flushRejected();
      },
    };
  } catch (error) {
    clearInterval(flushTimer);
    // Several pollers on one machine share one trap port: the first binds it, the others go on without.
    log.warn({ err: error, port: deps.port }, 'trap receiver not started');
    return undefined;
  }
}
