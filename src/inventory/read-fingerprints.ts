import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { deserializeFingerprints, type Fingerprints } from './encode-inventory.js';
import { INVENTORY_ENTITIES, type InventoryEntity } from './inventory-types.js';

/** The field of a record in the fingerprint-changes hash: "devices:cpe-1". */
export function fingerprintField(entity: InventoryEntity, id: string): string {
  return `${entity}:${id}`;
}

/**
 * Every stored record's fingerprint: the last import's (one string) with the changes made since then
 * one record at a time (a hash, "" for a removed record) laid over it. Undefined when nothing was
 * ever stored. Changes keep a field each instead of rewriting the string, which at 100k devices and
 * 100k subscribers is 6 MB to read, parse and write back (seconds here) for every change.
 */
export async function readFingerprints(redis: Redis, keys: RedisKeys): Promise<Fingerprints | undefined> {
  const [base, changes] = await Promise.all([
    redis.get(keys.inventoryPart('fingerprints')),
    redis.hgetall(keys.inventoryPart('fingerprint-changes')),
  ]);
  const changed = Object.entries(changes);
  const fingerprints = deserializeFingerprints(base);
  if (changed.length === 0) return fingerprints;
  const merged = fingerprints ?? { sites: new Map(), devices: new Map(), subscribers: new Map() };
  for (const [field, fingerprint] of changed) {
    const at = field.indexOf(':');
    const entity = field.slice(0, at) as InventoryEntity;
    if (!INVENTORY_ENTITIES.includes(entity)) continue;
    const id = field.slice(at + 1);
    if (fingerprint === '') merged[entity].delete(id);
    else merged[entity].set(id, fingerprint);
  }
  return merged;
}
