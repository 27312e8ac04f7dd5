import type { JobSink } from '../platform/sharded-queue.js';
import type { Redis } from 'ioredis';
import { countInto } from '../platform/fleet-counters.js';
import { TrapCounts } from './trap-counts.js';
import { createTrapGate } from './trap-gate.js';
import type { Logger } from '../platform/logger.js';
import { queueJobId } from '../platform/queue-job-id.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { AnnouncementOutcome } from './trap-announcements.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import { createTrapReceiver, type Trap, type TrapReceiver } from '../snmp/trap-receiver.js';
import { trapNamedConditions } from './trap-named-conditions.js';
import type { TrapNamed } from '../detection/index.js';

export interface TrapRepollDeps {
  redis: Redis;
  keys: RedisKeys;
  probeQueue: JobSink;
  authProfiles: ReadonlyMap<string, AuthProfile>;
  /** Device id by management address, kept current by the schedule sync. */
  deviceByHost(address: string): string | undefined;
  host: string;
  port: number;
  log: Logger;
  /** What a trap announces beyond a re-poll (alarms, a parent's linkDown); absent: re-polls only. */
  announce?: (deviceId: string, trap: Trap) => Promise<AnnouncementOutcome>;
}

const TRAP_EVENTS_MAXLEN = 10_000;

/** An on-demand probe job's data; a trap's re-polls carry what the trap named (trap-named-conditions.ts). */
export interface ProbeJob {
  deviceId: string;
  /** For the record: `trap:linkDown`, `trap:dying_gasp`, … */
  cause?: string;
  trapNamed?: TrapNamed;
}

/**
 * Traps are a device telling us it changed (coldStart, linkDown, …): a trap from a known device puts
 * an on-demand probe of it at the head of the line and is recorded; anything else is counted and
 * dropped. Accepted credentials are those of the configured auth profiles. A device's repeats of one
 * kind within a second are counted and not handled again (its re-poll is already queued).
 */
export async function startTrapRepoll(deps: TrapRepollDeps): Promise<TrapReceiver | undefined> {
  const communities = [...deps.authProfiles.values()].flatMap((p) => (p.community ? [p.community] : []));
  const users = [...deps.authProfiles.values()].flatMap((p) => (p.user ? [p.user] : []));
  const counts = new TrapCounts(deps.redis, deps.keys);
  const scoped = { ...deps, log: deps.log.child({ module: 'traps' }), counts };
  const flushTimer = setInterval(() => void counts.flush(), 1_000);
  flushTimer.unref();
  const gate = createTrapGate();
  try {
    const receiver = await createTrapReceiver({
      port: deps.port,
      address: deps.host,
      communities,
      users,
      onTrap: (trap) => {
        const deviceId = deps.deviceByHost(trap.source.address);
        counts.add('vigil_traps_total', { source: deviceId ? 'known' : 'unknown' });
        if (!deviceId) {
          scoped.log.debug(
            { source: trap.source.address, kind: trap.kind },
            'trap from an address no device has',
          );
          return undefined;
        }
        const admitted = gate.admit(deviceId, trap);
        if (admitted === 'repeat') return undefined;
        if (admitted === 'full') {
          counts.add('vigil_traps_rejected_total', { reason: 'overloaded' });
          return undefined;
        }
        return onTrap(scoped, deviceId, trap).finally(() => gate.release());
      },
      onRejected: (reason, source, detail) => {
        counts.add('vigil_traps_rejected_total', { reason });
        scoped.log.debug({ reason, source: source?.address, detail }, 'trap rejected');
      },
    });
    return {
      stats: receiver.stats,
      close: async () => {
        clearInterval(flushTimer);
        await receiver.close();
        await counts.flush();
      },
    };
  } catch (error) {
    clearInterval(flushTimer);
    // Several pollers on one machine share one trap port: the first binds it, the others go on without.
    scoped.log.warn({ err: error, port: deps.port }, 'trap receiver not started');
    return undefined;
  }
}

/** The trap's announcement, counted by outcome; a failure is logged, never thrown at the receiver. */
async function announce(deps: TrapRepollDeps, deviceId: string, trap: Trap): Promise<void> {
  try {
    const outcome = await deps.announce!(deviceId, trap);
    if (outcome === 'not_an_announcement') return;
    const pipeline = deps.redis.pipeline();
    countInto(pipeline, deps.keys, 'vigil_trap_announcements_total', { outcome });
    await pipeline.exec();
  } catch (error) {
    deps.log.warn({ err: error, deviceId, kind: trap.kind }, 'trap: announcement failed');
  }
}

async function onTrap(deps: TrapRepollDeps, deviceId: string, trap: Trap): Promise<void> {
  // The announcement is stored before the re-polls are queued: a re-poll that read the state before it
  // would write its answer over the announced finding without clearing it.
  if (deps.announce) await announce(deps, deviceId, trap);
  const queued = await queueRepolls(deps, deviceId, trap);
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
  if (queued) deps.log.info({ deviceId, kind: trap.kind }, 'trap: device re-polled now');
}

/** Queues the trap's re-poll and its confirmation; false (counted and logged) when the queue refused. */
async function queueRepolls(deps: TrapRepollDeps, deviceId: string, trap: Trap): Promise<boolean> {
  // One re-poll per device per second, however many traps a flapping link sends. The job ids carry
  // the device id encoded: BullMQ refuses ':' in an id, and inventory ids may hold one.
  const second = Math.floor(trap.receivedAt / 1000);
  // What the trap named rides with both polls: either one that shows it opens it at once.
  const named = trapNamedConditions(trap);
  const trapNamed = named.length > 0 ? { trapNamed: named } : {};
  try {
    await deps.probeQueue.add(
      'probe',
      { deviceId, cause: `trap:${trap.kind}`, ...trapNamed },
      { jobId: queueJobId('trap', deviceId, second), removeOnComplete: 1000, removeOnFail: 1000 },
    );
    // A second poll shortly after: findings the trap did not name need two polls in a row (and a
    // cleared one, clearAfterPolls), and the trap path must not wait for the next scheduled one (up to
    // a whole interval). It also catches a named condition the first poll was too early to see.
    await deps.probeQueue.add(
      'probe',
      { deviceId, cause: `trap:${trap.kind}:confirm`, ...trapNamed },
      {
        jobId: queueJobId('trap_confirm', deviceId, second),
        delay: 1_500,
        removeOnComplete: 1000,
        removeOnFail: 1000,
      },
    );
    return true;
  } catch (error) {
    // Never silent: the trap is still recorded, and the next scheduled poll sees the device.
    deps.log.warn({ err: error, deviceId, kind: trap.kind }, 'trap: re-poll could not be queued');
    const pipeline = deps.redis.pipeline();
    countInto(pipeline, deps.keys, 'vigil_enqueue_failures_total', { queue: 'probe', by: 'trap' });
    await pipeline.exec().catch(() => undefined);
    return false;
  }
}
