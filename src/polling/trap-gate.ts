import type { Trap } from '../snmp/trap-receiver.js';

/**
 * Traps being handled at once (each a few Redis round trips): past it a trap is dropped and counted
 * (`overloaded`), so a flood costs a bounded amount of memory and Redis work instead of a queue of
 * promises that grows as fast as datagrams arrive. A real outage's burst (a linkDown from each of a
 * thousand routers under a base station) fits, at a few kB each.
 */
export const MAX_TRAPS_IN_HAND = 1_000;

/**
 * Which known device's traps get handled: at most `maxInHand` at once, and one per device and
 * kind a second (the re-poll's job id is per device and second anyway).
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
      const key = `${deviceId} ${trap.kind}`;
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
