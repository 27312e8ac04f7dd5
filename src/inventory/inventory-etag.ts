import { hash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { readFingerprints } from './read-fingerprints.js';
import type { Fingerprints } from './encode-inventory.js';
import { INVENTORY_ENTITIES, type InventoryEntity } from './inventory-types.js';

/** Bytes of a record fingerprint (12 base64url characters, see encodeInventory). */
const FINGERPRINT_BYTES = 9;

/**
 * Per kind of record, the XOR of every record's fingerprint. XOR is order-free and its own inverse, so
 * the same records give the same digest whatever the order or format they came in, and a batch of
 * changes updates it in O(changes) (out with the old fingerprint, in with the new) instead of rereading
 * the whole inventory. Kinds are kept apart so a site and a subscriber with the same JSON cannot cancel.
 */
export type InventoryDigests = Record<InventoryEntity, Buffer>;

export function emptyDigests(): InventoryDigests {
  return {
    sites: Buffer.alloc(FINGERPRINT_BYTES),
    devices: Buffer.alloc(FINGERPRINT_BYTES),
    subscribers: Buffer.alloc(FINGERPRINT_BYTES),
  };
}

/** XORs one record's fingerprint into (or, done twice, out of) a digest, in place. */
export function toggleFingerprint(digest: Buffer, fingerprint: string): void {
  const bytes = Buffer.from(fingerprint, 'base64url');
  for (let i = 0; i < FINGERPRINT_BYTES; i++) digest[i] = (digest[i] ?? 0) ^ (bytes[i] ?? 0);
}

export function digestsOf(fingerprints: Fingerprints): InventoryDigests {
  const digests = emptyDigests();
  for (const entity of INVENTORY_ENTITIES)
    for (const fingerprint of fingerprints[entity].values()) toggleFingerprint(digests[entity], fingerprint);
  return digests;
}

/** As stored in the inventory meta hash (field `digests`). */
export function serializeDigests(digests: InventoryDigests): string {
  return INVENTORY_ENTITIES.map((entity) => digests[entity].toString('hex')).join('.');
}

function deserializeDigests(text: string): InventoryDigests | undefined {
  const parts = text.split('.');
  if (parts.length !== INVENTORY_ENTITIES.length) return undefined;
  const digests = emptyDigests();
  INVENTORY_ENTITIES.forEach((entity, i) => (digests[entity] = Buffer.from(parts[i] ?? '', 'hex')));
  return digests;
}

/**
 * The inventory's entity tag (RFC 9110 section 8.8.3): a strong tag of its content, the same for the
 * same records however they were written (a full import, a batch of changes, a batch undone). A sync
 * job keeps the tag its last upload answered and asks with If-None-Match whether anything changed.
 */
export function etagOf(digests: InventoryDigests): string {
  return `"${hash('sha1', serializeDigests(digests), 'base64url').slice(0, 20)}"`;
}

/**
 * The stored digests (kept in the meta hash by every import and batch); an inventory imported before
 * they were kept has them computed from its fingerprints. Nothing stored: the empty inventory's.
 */
export async function readDigests(redis: Redis, keys: RedisKeys): Promise<InventoryDigests> {
  const stored = await redis.hget(keys.inventoryMeta(), 'digests');
  const digests = stored === null ? undefined : deserializeDigests(stored);
  if (digests) return digests;
  const fingerprints = await readFingerprints(redis, keys);
  return fingerprints ? digestsOf(fingerprints) : emptyDigests();
}

export async function readInventoryEtag(redis: Redis, keys: RedisKeys): Promise<string> {
  return etagOf(await readDigests(redis, keys));
}
