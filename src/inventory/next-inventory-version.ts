import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';

/**
 * The time an import or a batch is stamped with (`importedAt`): after the stored one, always. Pollers and the advisor
 * reload when it differs from what they last loaded, so two writes in one millisecond must not share it.
 * Read under the lock, so no other writer moves it meanwhile.
 */
export async function nextVersion(redis: Redis, keys: RedisKeys, now: Date): Promise<Date> {
  const stored = await redis.hget(keys.inventoryMeta(), 'importedAt');
  const last = stored === null ? Number.NaN : Date.parse(stored);
  return Number.isNaN(last) || now.getTime() > last ? now : new Date(last + 1);
}
