import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRedisKeys,
  POLL_SHARD_KEY_BUILDERS,
  QUEUE_KEY_BUILDERS,
  type RedisKeys,
} from '../../src/platform/redis-keys.js';
import { QUEUE_NAMES } from '../../src/platform/queue-names.js';

/** Redis Cluster's slot of a key: CRC16 (XMODEM) of its hash tag, or of the whole key without one, mod 16384. */
function slotOf(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

const PREFIX = 'vigil-slots';
const SHARDS = 64;
const keys = createRedisKeys(PREFIX, SHARDS);
/** Functions of the keys object that are not key builders. */
const NOT_BUILDERS: readonly (keyof RedisKeys)[] = ['pollShardOf'];
const builders = (Object.keys(keys) as (keyof RedisKeys)[]).filter(
  (name) => typeof keys[name] === 'function' && !NOT_BUILDERS.includes(name),
);
const isPollShard = (name: keyof RedisKeys): boolean =>
  (POLL_SHARD_KEY_BUILDERS as readonly string[]).includes(name);
const coreBuilders = builders.filter((name) => !QUEUE_KEY_BUILDERS.includes(name) && !isPollShard(name));
const groupOf = (name: keyof RedisKeys): string =>
  QUEUE_KEY_BUILDERS.includes(name) ? 'queue' : isPollShard(name) ? 'poll shard' : 'core';

/** A poll-shard builder's key for one shard, with ids as odd as in sampleKeys before the shard. */
function shardKeys(name: keyof RedisKeys, shard: number): string[] {
  const build = (...args: unknown[]): string => (keys[name] as (...a: unknown[]) => string).apply(keys, args);
  return (keys[name] as () => string).length === 1
    ? [build(shard)]
    : ['up', 'a:b', 'x{y}z', '{}', 'ünï code'].map((id) => build(id, shard));
}

/** Every builder called with ids an operator's inventory may hold (odd characters, braces included). */
function sampleKeys(name: keyof RedisKeys): string[] {
  const build = (...args: unknown[]): string => (keys[name] as (...a: unknown[]) => string).apply(keys, args);
  const arity = (keys[name] as () => string).length;
  const ids = ['dev-1', 'a:b', 'x{y}z', '{}', 'ünï code', '7'];
  return arity === 0 ? [build()] : ids.map((id) => build(id, id === '7' ? 7 : 'poll'));
}

describe('Redis keys by hash slot (src/platform/redis-keys.ts header)', () => {
  it('slotOf agrees with Redis on the spec’s examples', () => {
    // From the Redis Cluster specification: "123456789" → 0x31C3 → slot 12739; tags hash their inside only.
    expect(slotOf('123456789')).toBe(0x31c3 % 16384);
    expect(slotOf('{user1000}.following')).toBe(slotOf('{user1000}.followers'));
    expect(slotOf('foo{{bar}}zap')).toBe(slotOf('{bar'));
    expect(slotOf('foo{}{bar}')).not.toBe(slotOf('{bar}'));
  });

  it('every core key carries the tag {<prefix>} first, whatever id it is built from, so all share one slot', () => {
    const core = slotOf(`{${PREFIX}}`);
    for (const name of coreBuilders)
      for (const key of sampleKeys(name)) {
        expect(key.startsWith(`${PREFIX}:{${PREFIX}}:`), `${name} → ${key}`).toBe(true);
        expect({ name, slot: slotOf(key) }).toEqual({ name, slot: core });
      }
  });

  it('each poll shard has a slot of its own: every poll-shard key of one shard shares it, shards spread', () => {
    const slots = new Set<number>();
    for (let shard = 0; shard < SHARDS; shard++) {
      const slot = slotOf(keys.pollDue(shard));
      for (const name of POLL_SHARD_KEY_BUILDERS)
        for (const key of shardKeys(name, shard)) {
          expect(key.startsWith(`${PREFIX}:{${PREFIX}:s${shard}}:`), `${name} → ${key}`).toBe(true);
          expect({ name, shard, slot: slotOf(key) }).toEqual({ name, shard, slot });
        }
      slots.add(slot);
    }
    expect(slots.size).toBe(SHARDS);
    expect(slots.has(slotOf(`{${PREFIX}}`))).toBe(false);
    // A device's shard is the one its state and index entries are written to.
    expect(keys.pollShardOf('cpe-00042')).toBe(createRedisKeys(PREFIX, SHARDS).pollShardOf('cpe-00042'));
    expect(createRedisKeys(PREFIX, 1).pollShardOf('cpe-00042')).toBe(0);
  });

  it("the upgrade's unsharded names are the core keys older versions wrote", () => {
    expect(keys.unshardedPollKey('status', 'up')).toBe(`${PREFIX}:{${PREFIX}}:poll:status:up`);
    expect(keys.unshardedPollKey('answered-at')).toBe(`${PREFIX}:{${PREFIX}}:poll:answered-at`);
    expect(keys.unshardedPollKey('due', '3')).toBe(`${PREFIX}:{${PREFIX}}:poll:due:3`);
  });

  it('each queue shard has a slot of its own: BullMQ keys of one shard share it, other shards spread', () => {
    const slots = new Set<number>();
    for (const queue of QUEUE_NAMES)
      for (let shard = 0; shard < 4; shard++) {
        const prefix = keys.bullPrefix(queue, shard);
        const slot = slotOf(`${prefix}:${queue}:wait`);
        for (const suffix of ['meta', 'events', 'delayed', 'stalled-check', 'job-1'])
          expect(slotOf(`${prefix}:${queue}:${suffix}`)).toBe(slot);
        expect(prefix.startsWith(`${PREFIX}:bull:{`), prefix).toBe(true);
        slots.add(slot);
      }
    // 16 shards over 16384 slots: a collision is possible in principle, not for these names.
    expect(slots.size).toBe(QUEUE_NAMES.length * 4);
    expect(slots.has(slotOf(`{${PREFIX}}`))).toBe(false);
  });

  it('every file issuing a Lua script, a MULTI or a pipeline builds keys of one slot group only', () => {
    const mixed: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? walk(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    const atomic = /\.(eval|evalsha|multi|pipeline)\(|defineCommand\(|runScript\(/;
    let sites = 0;
    for (const file of walk('src')) {
      const text = readFileSync(file, 'utf8');
      if (!atomic.test(text)) continue;
      sites++;
      const used = new Set([...text.matchAll(/keys\.(\w+)\(/g)].map((m) => m[1] as keyof RedisKeys));
      const groups = new Set([...used].filter((n) => builders.includes(n)).map(groupOf));
      if (groups.size > 1) mixed.push(`${file}: ${[...used].join(', ')}`);
    }
    expect(sites).toBeGreaterThan(30);
    expect(mixed).toEqual([]);
  });
});
