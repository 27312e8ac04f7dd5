import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOverPollShards } from '../../src/platform/poll-shard-reads.js';
import { splitPollKeys } from '../../src/polling/split-poll-keys.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

describe('upgrade: poll keys of the core slot split into their poll shards', () => {
  let t: TestRedis;
  const many = Array.from({ length: 2_500 }, (_, i) => `cpe-${String(i).padStart(5, '0')}`);

  beforeAll(async () => {
    t = await createTestRedis();
    const { redis, keys } = t;
    const old = keys.unshardedPollKey.bind(keys);
    // What the earlier version left: its schedule, states and indexes, all in the core slot.
    await redis.zadd(old('due', '0'), 1_000, '60000:cpe-a', 2_000, '300000:cpe-b');
    await redis.hset(
      old('state', '3'),
      'cpe-a',
      Buffer.from([0x93, 1, 2, 3]),
      'cpe-b',
      Buffer.from([0x91, 9]),
    );
    await redis.zadd(old('status', 'up'), 0, 'cpe-a', 0, 'cpe-b');
    await redis.zadd(old('status', 'down'), 0, 'cpe-c');
    await redis.zadd(old('status', 'unknown'), ...many.flatMap((id) => [0, id]));
    await redis.zadd(old('finding', 'stale_uptime'), 0, 'cpe-a');
    await redis.zadd(old('answered-at'), 1_000, 'cpe-a', 2_000, 'cpe-b');
    // A poller of this version already polled cpe-b (down, answered later, a newer state): it wins.
    const b = keys.pollShardOf('cpe-b');
    await redis.zadd(keys.devicesByStatus('down', b), 0, 'cpe-b');
    await redis.zadd(keys.devicesAnsweredAt(b), 5_000, 'cpe-b');
    await redis.hset(keys.pollState(b), 'cpe-b', Buffer.from([0x91, 42]));
  });
  afterAll(async () => {
    await t.close();
  });

  it('moves every entry into its device’s shard, keeps what this version wrote, and empties the old keys', async () => {
    const { redis, keys } = t;
    const report = await splitPollKeys(redis, keys);
    expect(report).toEqual({ keys: 7, moved: 2 + 2 + 3 + many.length + 1 + 2 });

    const a = keys.pollShardOf('cpe-a');
    const b = keys.pollShardOf('cpe-b');
    const shardOf = keys.pollShardOf.bind(keys);
    expect(await redis.zscore(keys.pollDue(a), '60000:cpe-a')).toBe('1000');
    expect(await redis.zscore(keys.pollDue(b), '300000:cpe-b')).toBe('2000');
    expect(await redis.hgetBuffer(keys.pollState(a), 'cpe-a')).toEqual(Buffer.from([0x93, 1, 2, 3]));
    expect(await redis.hgetBuffer(keys.pollState(b), 'cpe-b')).toEqual(Buffer.from([0x91, 42]));
    expect(await redis.zscore(keys.devicesByStatus('up', a), 'cpe-a')).toBe('0');
    expect(await redis.zscore(keys.devicesByStatus('up', b), 'cpe-b')).toBeNull();
    expect(await redis.zscore(keys.devicesByStatus('down', b), 'cpe-b')).toBe('0');
    expect(await redis.zscore(keys.devicesByStatus('down', shardOf('cpe-c')), 'cpe-c')).toBe('0');
    expect(await redis.zscore(keys.devicesByFinding('stale_uptime', a), 'cpe-a')).toBe('0');
    expect(await redis.zscore(keys.devicesAnsweredAt(a), 'cpe-a')).toBe('1000');
    expect(await redis.zscore(keys.devicesAnsweredAt(b), 'cpe-b')).toBe('5000');
    expect(await cardOverPollShards(redis, keys, (s) => keys.devicesByStatus('unknown', s))).toBe(
      many.length,
    );
    // Spread, not piled in one shard.
    const shards = new Set(many.map(shardOf));
    expect(shards.size).toBe(keys.pollShards);

    const old = keys.unshardedPollKey.bind(keys);
    const leftovers = [old('due', '0'), old('state', '3'), old('status', 'up'), old('status', 'unknown')];
    expect(await redis.exists(...leftovers, old('finding', 'stale_uptime'), old('answered-at'))).toBe(0);
  });

  it('is a no-op run again, and finishes a move a crash cut short', async () => {
    const { redis, keys } = t;
    expect(await splitPollKeys(redis, keys)).toEqual({ keys: 0, moved: 0 });
    // A crash after the shard writes, before the old key's removal: the same entries are there again.
    const old = keys.unshardedPollKey('status', 'up');
    await redis.zadd(old, 0, 'cpe-a');
    expect(await splitPollKeys(redis, keys)).toEqual({ keys: 1, moved: 1 });
    expect(await redis.exists(old)).toBe(0);
    expect(await redis.zscore(keys.devicesByStatus('up', keys.pollShardOf('cpe-a')), 'cpe-a')).toBe('0');
  });
});
