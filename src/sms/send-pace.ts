import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';

/**
 * Reserves ARGV[3] consecutive slots of ARGV[2] ms each, from now or after the last one taken, and
 * returns when the first starts: every worker's submits share one schedule, so the SMS centre never
 * sees more than the configured rate however many workers send.
 */
const RESERVE = `
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(tonumber(ARGV[1]), nextFree)
local after = slot + tonumber(ARGV[2]) * tonumber(ARGV[3])
redis.call('SET', KEYS[1], tostring(after), 'PX', math.floor(math.max(1000, after - tonumber(ARGV[1]) + 60000)))
return tostring(slot)`;

/** The throughput limit per SMS centre: `reserve(n)` says when n submit_sm may start (ms since epoch). */
export function createSendPace(redis: Redis, keys: RedisKeys, ratePerSecond: number) {
  const stepMs = 1000 / ratePerSecond;
  return {
    async reserve(parts: number, now: number): Promise<number> {
      return Number(await redis.eval(RESERVE, 1, keys.smsPace(), now, stepMs, parts));
    },
  };
}

export type SendPace = ReturnType<typeof createSendPace>;
