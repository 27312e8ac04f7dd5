import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import { checkChangeReferences } from './check-change-references.js';
import { recordFingerprint } from './encode-inventory.js';
import { fingerprintField } from './read-fingerprints.js';
import { canonicalJson } from './canonical-json.js';
import type { ChangesResult, InventoryChange, RecordChange, ResolvedChanges } from './inventory-change.js';
import {
  etagOf,
  readDigests,
  serializeDigests,
  toggleFingerprint,
  type InventoryDigests,
} from './inventory-etag.js';
import { acquireInventoryLock } from './inventory-lock.js';
import { records } from './inventory-records.js';
import type { Device, RowError, Subscriber } from './inventory-types.js';
import { changeAuditEntries } from './change-audit.js';
import { countRecordChanges, resolveChanges, sameRecord, type CurrentRecords } from './resolve-changes.js';
import { inventoryInvalid } from './validate-inventory.js';
import { commitChanges } from './write-inventory-changes.js';
import { nextVersion } from './next-inventory-version.js';

export interface ChangeOptions {
  /** Who asks, as the audit trail names callers (`admin:<keyId>`). */
  by: string;
  /** Checked under the lock against the inventory's ETag before anything is read (If-Match). */
  precondition?: (etag: string) => void;
  lockTtlMs?: number;
  now?: () => Date;
}

/**
 * Applies a batch of changes to the stored inventory, all or nothing. Under the import lock (so no
 * import or other batch runs meanwhile): the touched records are read, the batch is applied in order
 * in memory and validated like an import (every bad line reported at once, nothing written), then one
 * script writes records, indexes, their fingerprints, the ETag's digests, the meta (its `importedAt` moves,
 * which is what the pollers' schedule and the advisor's topology follow) and an audit entry per record
 * changed. A batch that changes nothing writes nothing and keeps the ETag.
 *
 * Cost: O(changes) reads and commands, whatever the inventory's size. The changed records' fingerprints
 * go to their own hash (see readFingerprints), so the next full import still counts exactly what it
 * changes.
 */
export async function applyInventoryChanges(
  redis: Redis,
  keys: RedisKeys,
  changes: readonly InventoryChange[],
  options: ChangeOptions,
): Promise<ChangesResult> {
  const lock = await acquireInventoryLock(redis, keys.inventoryLock(), options.lockTtlMs ?? 60_000);
  try {
    const digests = await readDigests(redis, keys);
    options.precondition?.(etagOf(digests));
    const { resolved, errors } = resolveChanges(changes, await currentRecords(redis, keys, changes));
    if (errors.length === 0) errors.push(...(await checkChangeReferences({ redis, keys }, resolved)));
    if (errors.length > 0) throw inventoryInvalid(byLine(errors));
    const counts = {
      devices: countRecordChanges(resolved.devices),
      subscribers: countRecordChanges(resolved.subscribers),
    };
    const changed = [...resolved.devices.values(), ...resolved.subscribers.values()].some(
      (c) => !sameRecord(c.before, c.after),
    );
    if (!changed) return { changed, etag: etagOf(digests), counts, changes: resolved.outcomes };
    const fingerprints = changedFingerprints(digests, resolved);
    const now = await nextVersion(redis, keys, options.now?.() ?? new Date());
    const committed = await commitChanges(redis, keys, resolved, {
      lockToken: lock.token,
      fingerprints,
      meta: { importedAt: now.toISOString(), digests: serializeDigests(digests) },
      audit: changeAuditEntries(resolved, options.by, now.getTime()),
    });
    if (!committed)
      throw new AppError(
        'ERR_INVENTORY_LOCKED',
        'the inventory lock expired before the changes were written; nothing was stored',
        {
          retryable: true,
        },
      );
    return { changed, etag: etagOf(digests), counts, changes: resolved.outcomes };
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** The stored records of every id the batch names, two HMGETs. */
async function currentRecords(
  redis: Redis,
  keys: RedisKeys,
  changes: readonly InventoryChange[],
): Promise<CurrentRecords> {
  const ids = (kind: InventoryChange['kind']): string[] => [
    ...new Set(changes.filter((c) => c.kind === kind).map((c) => c.id)),
  ];
  const deviceIds = ids('device');
  const subscriberIds = ids('subscriber');
  const [devices, subscribers] = await Promise.all([
    records<Device>(redis, keys.inventoryPart('device-records'), deviceIds),
    records<Subscriber>(redis, keys.inventoryPart('subscriber-records'), subscriberIds),
  ]);
  return {
    devices: new Map(deviceIds.flatMap((id, i) => (devices[i] ? [[id, devices[i]] as const] : []))),
    subscribers: new Map(
      subscriberIds.flatMap((id, i) => (subscribers[i] ? [[id, subscribers[i]] as const] : [])),
    ),
  };
}

/**
 * The fingerprint of each record the batch changed ("" for a removed one), keyed as the
 * fingerprint-changes hash keeps them, with each old one toggled out of the digests and each new one
 * in, in place. A stored record's fingerprint is that of its stored JSON, so the old one comes from
 * the record read, not from the 6 MB of every fingerprint.
 */
function changedFingerprints(digests: InventoryDigests, resolved: ResolvedChanges): Map<string, string> {
  const changed = new Map<string, string>();
  const fingerprint = (record: object | undefined): string | undefined =>
    record === undefined ? undefined : recordFingerprint(canonicalJson(record));
  for (const part of ['devices', 'subscribers'] as const) {
    for (const [id, { before, after }] of resolved[part] as Map<string, RecordChange<object>>) {
      const old = fingerprint(before);
      const next = fingerprint(after);
      if (old === next) continue;
      if (old !== undefined) toggleFingerprint(digests[part], old);
      if (next !== undefined) toggleFingerprint(digests[part], next);
      changed.set(fingerprintField(part, id), next ?? '');
    }
  }
  return changed;
}

/** "line 2" before "line 10"; anything else (a single change's location) keeps its place. */
function byLine(errors: RowError[]): RowError[] {
  const line = (e: RowError): number => Number(/^line (\d+)$/.exec(e.location)?.[1] ?? 0);
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => line(a.e) - line(b.e) || a.i - b.i)
    .map(({ e }) => e);
}
