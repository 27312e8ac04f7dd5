import type { Redis } from 'ioredis';
import { slotOffsetMs } from '../../polling/poll-schedule.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { pollShardList } from '../../platform/poll-shard-reads.js';

/**
 * Follows the pollers' answered-at index (device → when it last answered) from outside: every answer
 * to a slot of the measured window gives one lag (how long after its slot the device's answer was
 * stored, so a poll's own round trip counts) and marks the device polled in that slot's cycle.
 */
export interface PollTracker {
  /** Reads the answers stored since the last read. */
  read(): Promise<void>;
  lagsSeconds(): Float64Array;
  polledPerCycle(): number[];
  /**
   * Answers to a slot the device had already answered: polls out of the schedule (the fresh probe of a
   * conversation opened for its subscriber, the re-poll a trap asks for), not late ones.
   */
  outOfSlotAnswers(): number;
}

/** How long after its answer a poll's result may reach Redis and still be counted. */
export const LATE_WRITE_MS = 15_000;

export async function createPollTracker(
  redis: Redis,
  keys: RedisKeys,
  window: { startMs: number; intervalMs: number; cycles: number },
): Promise<PollTracker> {
  const ids = await redis.hkeys(keys.inventoryPart('device-records'));
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const offsets = Float64Array.from(ids, (id) => slotOffsetMs(id, window.intervalMs));
  const polled = Array.from({ length: window.cycles }, () => new Uint8Array(ids.length));
  let lags = new Float64Array(Math.max(1024, ids.length * window.cycles));
  let lagCount = 0;
  const lastSeen = new Float64Array(ids.length);
  let cursor = window.startMs;
  const { intervalMs } = window;
  const lateWriteMs = Math.min(LATE_WRITE_MS, intervalMs / 3);
  const endMs = window.startMs + intervalMs * window.cycles;
  let outOfSlot = 0;

  const take = (id: string, atMs: number): void => {
    const index = indexOf.get(id);
    const seenBefore = index === undefined ? 0 : (lastSeen[index] as number);
    if (index === undefined || atMs <= seenBefore) return;
    lastSeen[index] = atMs;
    // The slot this answer served: the latest at or before it (an answer an interval late or more
    // is taken for a later slot's, and the slot it missed shows as a device not polled in its cycle).
    const lagMs = (((atMs - (offsets[index] as number)) % intervalMs) + intervalMs) % intervalMs;
    const slotMs = atMs - lagMs;
    if (slotMs < window.startMs || slotMs >= endMs) return;
    // Its slot was answered already: this one is out of the schedule. Counted as a lag, each of the
    // bench's 2,000 fresh probes read as a poll up to an interval late (the p99 of a 100k fleet went
    // from 1 s to 146 s while the conversations were opened).
    if (seenBefore >= slotMs) {
      outOfSlot += 1;
      return;
    }
    (polled[Math.floor((slotMs - window.startMs) / intervalMs)] as Uint8Array)[index] = 1;
    if (lagCount === lags.length) {
      const grown = new Float64Array(lags.length * 2);
      grown.set(lags);
      lags = grown;
    }
    lags[lagCount++] = lagMs / 1000;
  };

  return {
    async read() {
      // A poll's answer time is stored with its batch, later: each read goes back LATE_WRITE_MS, and
      // an answer already seen (the same device, no newer time) is counted once. The index keeps only
      // a device's last answer, so reads must come well within an interval of each other (every second).
      const from = cursor - lateWriteMs;
      cursor = Date.now();
      // One shard at a time: sent at once, the 64 reads (at a million devices ~50k answers, each read
      // back 15 times) are one burst Redis serves before the opens measured meanwhile; one at a time,
      // an open waits behind one shard's read at most.
      for (const shard of pollShardList(keys)) {
        const entries = await redis.zrangebyscore(keys.devicesAnsweredAt(shard), from, '+inf', 'WITHSCORES');
        for (let i = 0; i < entries.length; i += 2) take(entries[i] as string, Number(entries[i + 1]));
      }
    },
    lagsSeconds: () => lags.subarray(0, lagCount),
    polledPerCycle: () => polled.map((cycle) => cycle.reduce((sum, bit) => sum + bit, 0)),
    outOfSlotAnswers: () => outOfSlot,
  };
}
