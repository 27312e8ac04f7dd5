import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { storedJson } from './stored-record.js';
import {
  INVENTORY_ENTITIES,
  type ImportCounts,
  type Inventory,
  type InventoryEntity,
} from './inventory-types.js';

export interface EncodedRecord {
  id: string;
  /** As stored: canonical JSON without the id (stored-record.ts). */
  json: string;
}

/** id → fingerprint of the stored JSON, per inventory part (Maps: an id may be "__proto__"). */
export type Fingerprints = Record<InventoryEntity, Map<string, string>>;

export interface EncodedInventory {
  records: Record<InventoryEntity, EncodedRecord[]>;
  fingerprints: Fingerprints;
}

/**
 * The stored form of each record and a short fingerprint of it. 72 bits of SHA-1 are plenty to tell a
 * changed record from an unchanged one among millions (this is change detection, not security), and
 * keep the fingerprints of 1M devices to ~20 MB.
 */
export function encodeInventory(inventory: Inventory): EncodedInventory {
  const records = { sites: [], devices: [], subscribers: [] } as Record<InventoryEntity, EncodedRecord[]>;
  const fingerprints: Fingerprints = { sites: new Map(), devices: new Map(), subscribers: new Map() };
  for (const entity of INVENTORY_ENTITIES) {
    for (const record of inventory[entity]) {
      records[entity].push({ id: record.id, json: storedJson(record) });
      fingerprints[entity].set(record.id, recordFingerprint(canonicalJson(record)));
    }
  }
  return { records, fingerprints };
}

/** A record's fingerprint from its canonical JSON: 12 base64url characters (72 bits) of SHA-1. */
export function recordFingerprint(json: string): string {
  return hash('sha1', json, 'base64url').slice(0, 12);
}

/** Compares what is stored with what an import brings: created, updated, unchanged, removed. */
export function countChanges(previous: Fingerprints | undefined, next: Fingerprints): ImportCounts {
  const counts = {} as ImportCounts;
  for (const entity of INVENTORY_ENTITIES) {
    const before = previous?.[entity] ?? new Map<string, string>();
    const after = next[entity];
    const c = { created: 0, updated: 0, unchanged: 0, removed: 0 };
    for (const [id, fingerprint] of after) {
      const old = before.get(id);
      if (old === undefined) c.created++;
      else if (old === fingerprint) c.unchanged++;
      else c.updated++;
    }
    for (const id of before.keys()) if (!after.has(id)) c.removed++;
    counts[entity] = c;
  }
  return counts;
}

export function hasChanges(counts: ImportCounts): boolean {
  return INVENTORY_ENTITIES.some((e) => counts[e].created + counts[e].updated + counts[e].removed > 0);
}

/** Stored as JSON `{"devices": [[id, fingerprint], ...], ...}`: one GET for the next import to read. */
export function serializeFingerprints(fingerprints: Fingerprints): string {
  return JSON.stringify({
    sites: [...fingerprints.sites],
    devices: [...fingerprints.devices],
    subscribers: [...fingerprints.subscribers],
  });
}

export function deserializeFingerprints(text: string | null): Fingerprints | undefined {
  if (text === null) return undefined;
  const raw = JSON.parse(text) as Record<InventoryEntity, [string, string][]>;
  return { sites: new Map(raw.sites), devices: new Map(raw.devices), subscribers: new Map(raw.subscribers) };
}
