import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSuggestionStore } from '../../src/diagnosis/suggestion-store.js';
import { createRedisKeys, type RedisKeys } from '../../src/platform/redis-keys.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/** Ids the inventory allows (no whitespace, ≤ 128 characters), with Redis's separators and glob characters. */
const ODD_IDS = ['cpe:0007', 'a:b:c', '*', 'x?[y]{z}', 'ü/%2F"\'\\#', 'Ω'.repeat(128), 'actions', 'records'];

/** Every key builder that takes an id from data. */
const BUILDERS: ((keys: RedisKeys, id: string) => string)[] = [
  (k, id) => k.deviceSuggestions(id),
  (k, id) => k.rebootHistory(id),
  (k, id) => k.runningReboots(id),
  (k, id) => k.subscriberConversations(id),
  (k, id) => k.alertsPending(id),
  (k, id) => k.contacts(id),
];

describe('Redis keys built from ids with any allowed character', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await createTestRedis();
  });

  afterAll(async () => {
    await redis?.close();
  });

  it('keep the id whole as the last part, under the prefix, and never collide across kinds or ids', () => {
    const keys = createRedisKeys('vigil');
    const seen = new Set<string>();
    for (const build of BUILDERS)
      for (const id of ODD_IDS) {
        const key = build(keys, id);
        expect(key.startsWith('vigil:')).toBe(true);
        expect(key.endsWith(`:${id}`)).toBe(true);
        seen.add(key);
      }
    expect(seen.size).toBe(BUILDERS.length * ODD_IDS.length);
  });

  it('finds devices with live suggestions by key whatever their ids hold (glob characters included)', async () => {
    for (const id of ODD_IDS)
      await redis.redis.sadd(redis.keys.deviceSuggestions(id), `${id}:remote_reboot:x`);
    const found = await createSuggestionStore(redis.redis, redis.keys).devicesWithLive();
    expect(found.sort()).toEqual([...ODD_IDS].sort());
  });
});
