import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { InventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import { queueJobId } from '../platform/queue-job-id.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { alarmOf, linkDownIfIndex } from '../snmp/alarm-traps.js';
import type { Trap } from '../snmp/trap-receiver.js';
import type { OutageChecks } from './outage-checks.js';
import type { PollService } from './poll-service.js';

export interface TrapAnnouncementsDeps {
  redis: Redis;
  keys: RedisKeys;
  inventory: Pick<InventoryStore, 'getDevice'>;
  probeQueue: Pick<Queue, 'add'>;
  service: Pick<PollService, 'announceSilence' | 'announceLinkDown'>;
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
 * - a linkDown from a parent opens `wan_down` at once when it names the uplink or backhaul the
 *   parent's last answer showed, and starts its outage check, so a sample of its children is polled
 *   now rather than at their next slots.
 * A trap can name no device outside the sender's own subtree, announces the same of one device at
 * most once per cooldown, and what it opens the next answering poll clears (the subject is re-polled
 * at once).
 */
export async function announceFromTrap(
  deps: TrapAnnouncementsDeps,
  senderId: string,
  trap: Trap,
): Promise<AnnouncementOutcome> {
  const said = alarmOf(trap);
  if (said === undefined)
    return trap.kind === 'linkDown' ? linkDown(deps, senderId, trap) : 'not_an_announcement';
  const subjectId = said.subject ?? senderId;
  const subject = await deps.inventory.getDevice(subjectId);
  if (!subject || (subjectId !== senderId && subject.parentId !== senderId)) {
    // Counted by the caller (vigil_trap_announcements_total); debug only: a flood must not flood the log.
    deps.log.debug(
      { senderId, subject: subjectId.slice(0, 128), alarm: said.alarm },
      'trap names a device not below its sender',
    );
    return 'subject_not_below_sender';
  }
  if (!(await firstInCooldown(deps, subjectId, said.alarm))) return 'too_soon';
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

/** Whether this is the first announcement of `what` about the device in the cooldown (and takes it). */
async function firstInCooldown(
  deps: TrapAnnouncementsDeps,
  deviceId: string,
  what: string,
): Promise<boolean> {
  const key = deps.keys.trapAnnouncement(deviceId, what);
  return (await deps.redis.set(key, '1', 'PX', deps.cooldownMs, 'NX')) !== null;
}

/**
 * A parent's linkDown: `wan_down` at once when it names the uplink or backhaul its last answer showed
 * (detection checks that), and its outage check, so a sample of its children is polled now.
 */
async function linkDown(
  deps: TrapAnnouncementsDeps,
  senderId: string,
  trap: Trap,
): Promise<AnnouncementOutcome> {
  const sender = await deps.inventory.getDevice(senderId);
  if (!sender || !PARENT_KINDS.has(sender.kind)) return 'not_an_announcement';
  const ifIndex = linkDownIfIndex(trap);
  let outcome: AnnouncementOutcome = 'check_started';
  if (ifIndex !== undefined && (await firstInCooldown(deps, senderId, `linkDown:${ifIndex}`))) {
    const report = await deps.service.announceLinkDown(senderId, { ifIndex, reportedBy: senderId });
    if (report) {
      outcome = 'announced';
      deps.log.info({ deviceId: senderId, ifIndex }, 'trap: uplink announced down');
    }
  }
  await deps.checks.start(senderId, { announced: false, cause: 'trap:linkDown' });
  return outcome;
}
