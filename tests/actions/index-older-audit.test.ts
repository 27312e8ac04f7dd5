import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/actions/audit-entry.js';
import { appendAudit, readIndexedStarts } from '../../src/actions/audit-history-index.js';
import { INDEXED_FROM_THE_START, indexOlderAudit } from '../../src/actions/index-older-audit.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

let r: TestRedis;
beforeAll(async () => {
  r = await createTestRedis();
});
afterAll(async () => {
  await r?.close();
});

const at = Date.parse('2026-11-01T10:00:00Z');
const entry = (i: number, what = 'suggestion.accepted'): AuditEntry => ({
  at: at + i,
  what,
  by: 'agent:a-17',
  deviceId: `cpe-${i % 2}`,
  subscriberId: `sub-${i % 2}`,
  actionId: `action-${i}`,
});

describe('indexOlderAudit', () => {
  it('indexes the entries written before the index, newest first, and leaves no scan behind', async () => {
    const { redis, keys } = r;
    // An earlier version's entries: the stream only, no index, no marker.
    for (let i = 0; i < 7; i++) await redis.xadd(keys.audit(), '*', 'entry', JSON.stringify(entry(i)));
    await redis.xadd(keys.audit(), '*', 'entry', JSON.stringify(entry(7, 'action.finished')));
    // Then this version's: indexed as written, the marker at the first of them.
    const pipeline = redis.pipeline();
    appendAudit(pipeline, keys, entry(8));
    await pipeline.exec();
    const marker = await redis.get(keys.auditIndexedSince());
    const before = await readIndexedStarts(
      redis,
      keys,
      { subscriberId: 'sub-0', deviceIds: [] },
      at + 100,
      10,
    );
    expect(before.entries.map((e) => e.actionId)).toEqual(['action-8']);
    expect(before.indexedSince).toBe(marker);

    expect(await indexOlderAudit(redis, keys, 3)).toEqual({ scanned: 9, indexed: 8 });
    expect(await redis.get(keys.auditIndexedSince())).toBe(INDEXED_FROM_THE_START);
    const after = await readIndexedStarts(
      redis,
      keys,
      { subscriberId: 'sub-0', deviceIds: ['cpe-1'] },
      at + 100,
      10,
    );
    expect(after.entries.map((e) => e.actionId)).toEqual([8, 6, 5, 4, 3, 2, 1, 0].map((i) => `action-${i}`));
    expect(await redis.zcard(keys.auditOfDevice('cpe-1'))).toBe(3);
    // Run again: nothing left to do, nothing doubled.
    expect(await indexOlderAudit(redis, keys, 3)).toEqual({ scanned: 0, indexed: 0 });
    expect(await redis.zcard(keys.auditOfSubscriber('sub-0'))).toBe(5);
  });
});
