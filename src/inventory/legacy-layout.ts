import type { Redis } from 'ioredis';
import { LEGACY_INVENTORY_PARTS, type RedisKeys } from '../platform/redis-keys.js';

/**
 * True while the store still holds the sorted-set indexes of the layout before packed indexes
 * (packed-index.ts): an import then rewrites everything even if no record changed.
 */
export async function hasLegacyLayout(redis: Redis, keys: RedisKeys): Promise<boolean> {
  return (await redis.exists(...LEGACY_INVENTORY_PARTS.map((part) => keys.inventoryPart(part)))) > 0;
}
