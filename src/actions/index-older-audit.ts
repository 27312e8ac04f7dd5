import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { AuditEntry } from './audit-entry.js';
import { AUDIT_INDEX_CAP, indexKeysOf } from './audit-history-index.js';

/** The marker once every entry the stream holds is indexed: no id is older. */
export const INDEXED_FROM_THE_START = '0-0';

/**
 * Indexes the audit entries written before the history index existed (an installation upgraded with a
 * year of audit), newest first, `batch` at a time, so a subscriber's history stops scanning them. Each
 * batch's index writes and the marker moved down to its oldest entry are one MULTI: the marker always
 * says truly from where on every entry is indexed, so a stop part way loses nothing and a re-run carries
 * on. Safe while Vigil runs: the live writes index themselves (audit-history-index.ts) and set the
 * marker only when none is (NX); an index's cap keeps its newest entries, whatever order they came in.
 */
export async function indexOlderAudit(
  redis: Redis,
  keys: RedisKeys,
  batch = 1000,
): Promise<{ scanned: number; indexed: number }> {
  const newest = (await redis.xrevrange(keys.audit(), '+', '-', 'COUNT', 1))[0]?.[0];
  await redis.set(keys.auditIndexedSince(), newest ?? INDEXED_FROM_THE_START, 'NX');
  const since = (await redis.get(keys.auditIndexedSince())) ?? INDEXED_FROM_THE_START;
  let end = since;
  let scanned = 0;
  let indexed = 0;
  for (;;) {
    const entries =
      since === INDEXED_FROM_THE_START ? [] : await redis.xrevrange(keys.audit(), end, '-', 'COUNT', batch);
    const oldest = entries[entries.length - 1]?.[0];
    if (oldest === undefined) break;
    const step = redis.multi();
    for (const [id, fields] of entries) {
      const entry = JSON.parse(fields[1] ?? '{}') as AuditEntry;
      const indexes = indexKeysOf(keys, entry);
      for (const index of indexes)
        step.zadd(index, entry.at, id).zremrangebyrank(index, 0, -AUDIT_INDEX_CAP - 1);
      if (indexes.length > 0) indexed++;
    }
    await step.set(keys.auditIndexedSince(), oldest).exec();
    scanned += entries.length;
    end = `(${oldest}`;
  }
  await redis.set(keys.auditIndexedSince(), INDEXED_FROM_THE_START);
  return { scanned, indexed };
}
