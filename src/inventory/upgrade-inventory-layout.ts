import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import { exportInventory } from './export-inventory.js';
import { readInventoryEtag } from './inventory-etag.js';
import { importInventory } from './import-inventory.js';
import { hasLegacyLayout } from './legacy-layout.js';

/**
 * Rebuilds the indexes of an inventory stored in the old layout from its own records: the records are
 * read and imported again, which writes packed indexes and drops the old ones in the import's swap.
 * Only if nothing changed the inventory meanwhile (its ETag, checked under the import lock), and not
 * while another import runs: false then, and the next call (or the next import) does it.
 */
export async function upgradeInventoryLayout(redis: Redis, keys: RedisKeys): Promise<boolean> {
  if (!(await hasLegacyLayout(redis, keys))) return false;
  const etag = await readInventoryEtag(redis, keys);
  const stored = await exportInventory(redis, keys);
  const unchanged = (now: string): void => {
    if (now !== etag) throw new AppError('ERR_INVENTORY_LOCKED', 'the inventory changed during the upgrade');
  };
  try {
    await importInventory(redis, keys, stored, { allowRemovals: true, precondition: unchanged });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'ERR_INVENTORY_LOCKED') return false;
    throw error;
  }
}
