import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { InventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import { queueJobId } from '../platform/queue-job-id.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { alarmOf } from '../snmp/alarm-traps.js';
import type { Trap } from '../snmp/trap-receiver.js';
import type { OutageChecks } from './outage-checks.js';
import type { PollService } from './poll-service.js';

export interface TrapAnnouncementsDeps {
  redis: Redis;
  keys: RedisKeys;
  inventory: Pick<InventoryStore, 'getDevice'>;
  probeQueue: Pick<Queue, 'add'>;
  service: Pick<PollService, 'announceSilence'>;
  checks: Pick<OutageChecks, 'start'>;
  /** At most one announcement per device in this long (a repeated or forged trap cannot flap it). */
  cooldownMs: number;
  log: Logger;
}

export type AnnouncementOutcome =
  'announced' | 'check_started' | 'not_an_announcement' | 'subject_not_below_sender' | 'too_soon';

const PARENT_KINDS = new Set(['access_node', 'base_station']);

/**
 * What a trap from a known device (its address and credentials already checked by the receiver)
 * announces beyond "re-poll me":
 * - a dying-gasp or loss-of-signal alarm about the sender or a device the inventory puts directly
 *   below it makes that device unreachable at once (no confirming poll: it has gone silent, and
 *   waiting for timeouts is what the trap saves), and starts the outage check of a parent;
 * - a linkDown from a parent (its uplink or backhaul, or a port its children hang from) starts its
 *   outage check, so a sample of its children is polled now rather than at their next slots.
 * A trap can name no device outside the sender's own subtree, announces one device at most once per
 * cooldown, and what it opens the next answering poll clears (the subject is re-polled at once).
 */
export async function announceFromTrap(
  deps: TrapAnnouncementsDeps,
  senderId: string,
  trap: Trap,
): Promise<AnnouncementOutcome> {
  const said = alarmOf(trap);
  if (said === undefined) {
    if (trap.kind !== 'linkDown') return 'not_an_announcement';
    const sender = await deps.inventory.getDevice(senderId);
    if (!sender || !PARENT_KINDS.has(sender.kind)) return 'not_an_announcement';
    await deps.checks.start(senderId, { announced: false, cause: 'trap:linkDown' });
    return 'check_started';
  }
  const subjectId = said.subject ?? senderId;
  const subject = await deps.inventory.getDevice(subjectId);
  if (!subject || (subjectId !== senderId && subject.parentId !== senderId)) {
    deps.log.warn(
      { senderId, subject: subjectId.slice(0, 128), alarm: said.alarm },
      'trap names a device not below its sender',
    );
    return 'subject_not_below_sender';
  }
  const fresh = await deps.redis.set(deps.keys.trapAnnouncement(subjectId), '1', 'PX', deps.cooldownMs, 'NX');
  if (fresh === null) return 'too_soon';
  await deps.service.announceSilence(subjectId, { alarm: said.alarm, reportedBy: senderId });
  deps.log.info({ deviceId: subjectId, senderId, alarm: said.alarm }, 'trap: device announced silent');
  if (subjectId !== senderId)
    // The sender is re-polled already; the subject's own answer (if it gives one) takes the finding back.
    await deps.probeQueue.add(
      'probe',
      { deviceId: subjectId, cause: `trap:${said.alarm}` },
      {
        jobId: queueJobId('announced', subjectId, Math.floor(trap.receivedAt / 1000)),
        removeOnComplete: 1000,
        removeOnFail: 1000,
      },
    );
  if (PARENT_KINDS.has(subject.kind))
    await deps.checks.start(subjectId, { announced: true, cause: `trap:${said.alarm}` });
  return 'announced';
}
