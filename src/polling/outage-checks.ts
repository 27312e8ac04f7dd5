import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { isFailedOutcome } from '../detection/track-reachability.js';
import type { InventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import { queueJobId } from '../platform/queue-job-id.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { judgeRound, sampleChildren, type OutageCheckConfig, type RoundVerdict } from './outage-check.js';
import type { PollReport, PollService } from './poll-service.js';

/** The probe-queue job name of one round of an outage check. */
export const OUTAGE_CHECK_JOB = 'outage_check';

export interface OutageCheckJob {
  parentId: string;
  round: number;
  rounds: number;
  /** When the check started (ms): names its jobs, so a repeated start cannot queue a round twice. */
  startedAt: number;
  cause: string;
  /**
   * A trap announced the parent's silence (its dying gasp): the trap's own re-poll of the parent takes
   * the finding back if it answers, so the round asks only the children and is done in one CPE timeout.
   */
  announced?: boolean;
}

export interface OutageChecksDeps {
  redis: Redis;
  keys: RedisKeys;
  inventory: Pick<InventoryStore, 'getDevices' | 'childIds'>;
  probeQueue: Pick<Queue, 'add'>;
  service: Pick<PollService, 'pollDevices'>;
  config: OutageCheckConfig;
  log: Logger;
  clock?: () => number;
}

export interface OutageChecks {
  /** After any poll batch: starts a check of each device with children that failed and is not yet down. */
  afterPolls(reports: readonly PollReport[]): Promise<void>;
  /** Starts a check of a parent (a trap announced it, or a poll failed); false when one ran lately. */
  start(parentId: string, options: { announced: boolean; cause: string }): Promise<boolean>;
  /** Runs one round (the probe worker's job) and queues the next or records the confirmation. */
  runRound(job: OutageCheckJob): Promise<RoundVerdict>;
}

/** A device detection already calls silent (correlation's isDownFinding; polling comes before it). */
const isDown = (report: PollReport): boolean =>
  report.findings.some((f) => f.kind === 'unreachable' || f.kind === 'base_station_down');

/** Kinds that can have children; a CPE's failed poll never starts a check. */
const PARENT_KINDS = new Set(['access_node', 'base_station']);

export function createOutageChecks(deps: OutageChecksDeps): OutageChecks {
  const clock = deps.clock ?? Date.now;
  const log = deps.log.child({ module: 'outage-check' });
  const enabled = deps.config.sampleSize > 0;

  const queueRound = (job: OutageCheckJob, delay: number) =>
    deps.probeQueue.add(OUTAGE_CHECK_JOB, job, {
      jobId: queueJobId('outage_check', job.parentId, job.startedAt, job.round),
      delay,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });

  const start: OutageChecks['start'] = async (parentId, { announced, cause }) => {
    if (!enabled) return false;
    // The bound on whatever asks (a failing poll, a flood of forged traps): one check per cooldown,
    // apart for alarms, so a linkDown just before a power loss does not hold back its dying gasp's check.
    const fresh = await deps.redis.set(
      deps.keys.outageCheck(parentId, announced ? 'alarm' : 'poll'),
      '1',
      'PX',
      deps.config.cooldownMs,
      'NX',
    );
    if (fresh === null) return false;
    const rounds = announced ? deps.config.announcedRounds : deps.config.rounds;
    await queueRound({ parentId, round: 1, rounds, startedAt: clock(), cause, announced }, 0);
    return true;
  };

  return {
    start,
    async afterPolls(reports) {
      if (!enabled) return;
      // A parent already down has had its check; its next polls need none.
      const failed = reports.filter((r) => isFailedOutcome(r.result.outcome) && !isDown(r));
      if (failed.length === 0) return;
      try {
        const devices = await deps.inventory.getDevices(failed.map((r) => r.deviceId));
        for (const device of devices)
          if (device && PARENT_KINDS.has(device.kind))
            await start(device.id, { announced: false, cause: 'poll_failed' });
      } catch (error) {
        // The polls are stored already; the outage then settles as it would without a check.
        log.warn({ err: error }, 'outage check could not be started');
      }
    },
    async runRound(job) {
      const sample = sampleChildren(await deps.inventory.childIds(job.parentId), deps.config.sampleSize);
      const reports = await deps.service.pollDevices(job.announced ? sample : [job.parentId, ...sample]);
      const byId = new Map(reports.map((r) => [r.deviceId, r.result.outcome]));
      const verdict = judgeRound(
        job.announced ? 'timeout' : byId.get(job.parentId),
        sample.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
        deps.config.silentShare,
      );
      log.info({ ...job, ...verdict }, 'outage check round');
      if (!verdict.confirms) return verdict;
      if (job.round < job.rounds)
        await queueRound({ ...job, round: job.round + 1 }, deps.config.roundDelayMs);
      else await deps.redis.zadd(deps.keys.devicesSilenceConfirmedAt(), clock(), job.parentId);
      return verdict;
    },
  };
}
