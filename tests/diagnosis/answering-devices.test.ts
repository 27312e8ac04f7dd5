import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesToWeigh, loadAnswering } from '../../src/diagnosis/answering-devices.js';
import { createRedisKeys } from '../../src/platform/redis-keys.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { zaddInShards } from '../helpers/poll-shard-sets.js';

/**
 * A child's answer counts against its parent's silence only when it came after the silence began: a
 * base station that loses power is an outage at once, although its CPEs answered a minute ago.
 */
describe('answering devices: evidence against a silent parent', () => {
  let t: TestRedis;
  const keys = () => createRedisKeys(t.prefix);
  beforeAll(async () => {
    t = await createTestRedis();
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts a device as answering only if it answered after the silence above it began', async () => {
    await zaddInShards(t.redis, keys(), (s) => keys().devicesAnsweredAt(s), [
      [1_000, 'cpe-before'],
      [5_000, 'cpe-after'],
      [2_000, 'cpe-same'],
    ]);
    const since = new Map([
      ['cpe-before', 2_000],
      ['cpe-after', 2_000],
      ['cpe-same', 2_000],
      ['cpe-never', 2_000],
    ]);
    const answering = await loadAnswering(t.redis, keys(), since);
    expect([...answering]).toEqual(['cpe-after']);
  });

  it('weighs each device against the latest silence above it', () => {
    const below: Record<string, string[]> = { bs: ['an', 'cpe-1'], an: ['cpe-1'] };
    const weighed = devicesToWeigh(
      new Map([
        ['bs', 100],
        ['an', 300],
      ]),
      (id) => below[id] ?? [],
    );
    expect(Object.fromEntries(weighed)).toEqual({ an: 100, 'cpe-1': 300 });
  });

  it('reads thousands of devices in one round trip', async () => {
    const ids = Array.from({ length: 2_500 }, (_, i) => `cpe-${i}`);
    await zaddInShards(
      t.redis,
      keys(),
      (s) => keys().devicesAnsweredAt(s),
      ids.map((id, i) => [i % 2 === 0 ? 10_000 : 10, id] as const),
    );
    const answering = await loadAnswering(t.redis, keys(), new Map(ids.map((id) => [id, 100])));
    expect(answering.size).toBe(1_250);
    expect(answering.has('cpe-2498')).toBe(true);
    expect(answering.has('cpe-2499')).toBe(false);
  });
});
