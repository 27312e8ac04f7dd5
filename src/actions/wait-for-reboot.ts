import { setTimeout as sleep } from 'node:timers/promises';
import { snmpGet, type SnmpTarget } from '../snmp/snmp-session.js';

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';

/** Slack for clocks and for the agent starting after the device: an uptime this much longer still counts. */
const CLOCK_SLACK_MS = 5_000;

/** The device's sysUpTime in seconds, or undefined when it does not answer with one. */
export async function readUptimeS(
  target: SnmpTarget,
  timeoutMs: number,
  retries = 0,
): Promise<number | undefined> {
  const answer = await snmpGet({ ...target, timeoutMs, retries }, [SYS_UPTIME]);
  const value = answer.varbinds[0]?.value;
  return answer.outcome === 'ok' && typeof value === 'object' && value.type === 'TimeTicks'
    ? value.value / 100
    : undefined;
}

/** True when an uptime says the device booted at or after `since` (it rebooted since then). */
export function bootedSince(uptimeS: number, since: number, now: number): boolean {
  return uptimeS * 1000 <= now - since + CLOCK_SLACK_MS;
}

/**
 * Asks a rebooted device its sysUpTime until it answers with an uptime no longer than the time since
 * the SET (with slack for clocks): it went away and came back. `back` is when, or undefined when the
 * deadline passed first; `uptimeS` is the last uptime it gave. `now` is the clock the deadline is on.
 * It asks at least once, even past the deadline: a job re-run after its worker died mid-verification
 * (the job lock outlives a short deadline) still sees a device that came back, rather than failing it
 * unasked; the uptime says when it booted.
 */
export async function waitForReboot(
  target: SnmpTarget,
  setAt: number,
  deadline: number,
  checkEveryMs: number,
  now: () => number = Date.now,
): Promise<{ back?: number; uptimeS: number }> {
  let uptimeS = 0;
  for (let first = true; first || now() < deadline; first = false) {
    const answered = await readUptimeS(target, 1_000);
    if (answered !== undefined) {
      uptimeS = answered;
      if (bootedSince(uptimeS, setAt, now())) return { back: now(), uptimeS };
    }
    if (now() < deadline) await sleep(checkEveryMs);
  }
  return { uptimeS };
}
