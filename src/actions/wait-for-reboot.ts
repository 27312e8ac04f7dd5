import { setTimeout as sleep } from 'node:timers/promises';
import { snmpGet, type SnmpTarget } from '../snmp/snmp-session.js';

const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';

/**
 * Asks a rebooted device its sysUpTime until it answers with an uptime no longer than the time since
 * the SET (with slack for clocks): it went away and came back. `back` is when, or undefined when the
 * deadline passed first; `uptimeS` is the last uptime it gave. `now` is the clock the deadline is on.
 */
export async function waitForReboot(
  target: SnmpTarget,
  setAt: number,
  deadline: number,
  checkEveryMs: number,
  now: () => number = Date.now,
): Promise<{ back?: number; uptimeS: number }> {
  let uptimeS = 0;
  while (now() < deadline) {
    const answer = await snmpGet({ ...target, timeoutMs: 1_000, retries: 0 }, [SYS_UPTIME]);
    const value = answer.varbinds[0]?.value;
    if (answer.outcome === 'ok' && typeof value === 'object' && value.type === 'TimeTicks') {
      uptimeS = value.value / 100;
      if (uptimeS * 1000 <= now() - setAt + 5_000) return { back: now(), uptimeS };
    }
    await sleep(checkEveryMs);
  }
  return { uptimeS };
}
