import type { Trap } from '../snmp/trap-receiver.js';

/**
 * Traps being handled at once (each a few Redis round trips): past it a trap is dropped and counted
 * (`overloaded`), so a flood costs a bounded amount of memory and Redis work instead of a queue of
 * promises that grows as fast as datagrams arrive. A real outage's burst (a linkDown from each of a
 * thousand routers under a base station) fits, at a few kB each.
 */
export const MAX_TRAPS_IN_HAND = 1_000;

/**
 * Which known device's traps get handled: at most `maxInHand` at once, and the same trap from the same
 * device (notification and varbinds alike) once a second — a flood's copies, not an access node's
 * loss-of-signal alarms for each of its ONUs, nor linkDowns of different interfaces.
 */
export function createTrapGate(maxInHand = MAX_TRAPS_IN_HAND): {
  admit(deviceId: string, trap: Trap): 'handle' | 'repeat' | 'full';
  release(): void;
} {
  let inHand = 0;
  let second = -1;
  const seen = new Set<string>();
  return {
    admit(deviceId, trap) {
      const now = Math.floor(trap.receivedAt / 1000);
      if (now !== second) {
        second = now;
        seen.clear();
      }
      const key = sameTrapKey(deviceId, trap);
      if (seen.has(key)) return 'repeat';
      if (inHand >= maxInHand) return 'full';
      seen.add(key);
      inHand += 1;
      return 'handle';
    },
    release() {
      inHand -= 1;
    },
  };
}

/** A trap's identity for repeats: sender, notification, and what each varbind says. */
function sameTrapKey(deviceId: string, trap: Trap): string {
  const said = trap.varbinds.map((v) => `${v.oid}=${JSON.stringify(v.value, plain)}`).join(' ');
  return `${deviceId} ${trap.trapOid} ${said}`;
}

/** Counter64s and octet strings as text, so any value can be part of the key. */
function plain(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
