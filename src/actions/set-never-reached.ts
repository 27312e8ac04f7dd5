import { setTimeout as sleep } from 'node:timers/promises';
import type { SnmpTarget } from '../snmp/snmp-session.js';
import { bootedSince, readUptimeS } from './wait-for-reboot.js';

/**
 * How long after a reboot SET a device that took it has gone away or come back with a fresh uptime:
 * CPEs answer the SET and restart within seconds. Before this, an old uptime proves nothing.
 */
const SET_TAKES_EFFECT_MS = 10_000;

/**
 * Whether a claimed reboot SET provably never reached its device: the job's previous run died between
 * the claim and the SET (or its answer), so the record cannot say whether it left. The device can: one
 * that answers, `SET_TAKES_EFFECT_MS` or more after the send, with an uptime older than the send has
 * not rebooted since, so sending it (again) cannot reboot it twice. A device that is silent, or came
 * back with a fresh uptime, got it: verification takes over.
 */
export async function setNeverReached(
  target: SnmpTarget,
  sentAt: number,
  now: () => number,
): Promise<boolean> {
  const early = sentAt + SET_TAKES_EFFECT_MS - now();
  if (early > 0) await sleep(early);
  const uptimeS = await readUptimeS(target, 2_000, 1);
  return uptimeS !== undefined && !bootedSince(uptimeS, sentAt, now());
}
