import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { readFingerprints } from './read-fingerprints.js';
import { AppError } from '../shared/app-error.js';
import { countChanges, encodeInventory, hasChanges } from './encode-inventory.js';
import { digestsOf, etagOf, readInventoryEtag, serializeDigests } from './inventory-etag.js';
import { acquireInventoryLock } from './inventory-lock.js';
import { hasLegacyLayout } from './legacy-layout.js';
import { nextVersion } from './next-inventory-version.js';
import { DEFAULT_MAX_REMOVAL_SHARE, removalsOverShare, removalsRefused } from './removal-guard.js';
import { commitInventory, dropStaging, stageInventory } from './write-inventory.js';
import type { ImportCounts, Inventory } from './inventory-types.js';

export interface ImportResult {
  counts: ImportCounts;
  /** The inventory's ETag after the import (see etagOf). */
  etag: string;
  /** False when the store already held exactly this inventory (nothing was rewritten). */
  changed: boolean;
}

export interface ImportOptions {
  /** How long the import lock lives if the importer dies (default 10 minutes). */
  lockTtlMs?: number;
  /** Injected for tests and logs; defaults to the wall clock. */
  now?: () => Date;
  /**
   * Refuse (ERR_INVENTORY_REMOVALS, nothing written) an import that would remove more than this share
   * of the stored devices or subscribers (default 0.1), unless `allowRemovals`.
   */
  maxRemovalShare?: number;
  /** The shrink is meant (`--allow-removals`, `?allowRemovals=true`). */
  allowRemovals?: boolean;
  /** Checked under the lock against the stored inventory's ETag before anything else (If-Match). */
  precondition?: (etag: string) => void;
}

/**
 * Replaces the whole stored inventory with `inventory`, which the caller has already validated.
 *
 * Crash safety: every part is written to staging keys, then one Lua script swaps them all in. A crash
 * or a Redis error before the swap leaves the live inventory untouched (staging expires or is dropped
 * by the next import); after it, the new inventory is whole. We chose this over MULTI/EXEC in chunks
 * with a generation pointer because readers then use fixed keys (no pointer read per query) and the
 * swap costs O(parts), not O(rows). The price is the old and new inventory both in memory during an
 * import.
 *
 * Removed devices lose their place in the pollers' status and finding indexes in the same swap, and
 * new ones enter as `unknown`: counts and listings by status never show a device the inventory lacks.
 *
 * Idempotency: records are stored as canonical JSON and fingerprinted; re-importing the same data
 * counts everything unchanged and writes nothing but the import metadata (unless the store still has
 * the old sorted-set indexes: then it is rewritten, which is how an upgrade rebuilds them). Removed rows are whatever
 * the live inventory had that this one lacks: they disappear with the swap and are counted.
 *
 * Shrinks: removing more than `maxRemovalShare` of the stored devices or subscribers is refused unless
 * `allowRemovals`, decided under the lock from the same counts, so a mistaken file removes nothing.
 */
export async function importInventory(
  redis: Redis,
  keys: RedisKeys,
  inventory: Inventory,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const lock = await acquireInventoryLock(redis, keys.inventoryLock(), options.lockTtlMs ?? 600_000);
  try {
    if (options.precondition) options.precondition(await readInventoryEtag(redis, keys));
    const encoded = encodeInventory(inventory);
    const digests = digestsOf(encoded.fingerprints);
    const previous = await readFingerprints(redis, keys);
    const counts = countChanges(previous, encoded.fingerprints);
    const changed = previous === undefined || hasChanges(counts) || (await hasLegacyLayout(redis, keys));
    if (!options.allowRemovals) {
      const maxShare = options.maxRemovalShare ?? DEFAULT_MAX_REMOVAL_SHARE;
      const excess = removalsOverShare(counts, maxShare);
      if (excess.length > 0) throw removalsRefused(excess, counts, maxShare);
    }
    const meta = {
      importedAt: (await nextVersion(redis, keys, options.now?.() ?? new Date())).toISOString(),
      counts: JSON.stringify(counts),
      sites: String(inventory.sites.length),
      devices: String(inventory.devices.length),
      subscribers: String(inventory.subscribers.length),
      digests: serializeDigests(digests),
    };
    const etag = etagOf(digests);
    if (!changed) {
      await redis.hset(keys.inventoryMeta(), meta);
      return { counts, changed, etag };
    }
    await dropStaging(redis, keys);
    try {
      await stageInventory(redis, keys, inventory, encoded);
      // Which devices leave and which arrive: the switch updates the pollers' indexes with them.
      const before = previous?.devices ?? new Map<string, string>();
      const after = encoded.fingerprints.devices;
      const devices = {
        dropped: [...before.keys()].filter((id) => !after.has(id)),
        added: [...after.keys()].filter((id) => !before.has(id)),
      };
      if (!(await commitInventory(redis, keys, lock.token, meta, devices))) {
        throw new AppError(
          'ERR_INVENTORY_LOCKED',
          'the import lock expired before the import finished; nothing was stored',
          { retryable: true },
        );
      }
    } catch (error) {
      await dropStaging(redis, keys).catch(() => undefined);
      throw error;
    }
    return { counts, changed, etag };
  } finally {
    await lock.release().catch(() => undefined);
  }
}
