import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagLegacyKeys, taggedName } from '../../src/platform/tag-legacy-keys.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/**
 * An installation upgraded from a version before hash tags: its records, streams and queued jobs, under
 * the old names, are found under the new ones after `vigil redis tag-keys`, and nothing is lost.
 */
describe('tagLegacyKeys: keys of an earlier version renamed to their hash-tagged names', () => {
  let t: TestRedis;

  beforeAll(async () => {
    t = await createTestRedis();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('names every kind of key as this version builds it', () => {
    const p = t.prefix;
    expect(taggedName(t.keys, `${p}:incidents:records`)).toBe(t.keys.incidentRecords());
    // The poll keys then move to their poll shards (split-poll-keys.ts), from the core name.
    expect(taggedName(t.keys, `${p}:poll:due:3`)).toBe(t.keys.unshardedPollKey('due', '3'));
    expect(taggedName(t.keys, `${p}:bull:actions:wait`)).toBe(
      `${t.keys.bullPrefix('actions', 0)}:actions:wait`,
    );
    expect(taggedName(t.keys, t.keys.incidentRecords())).toBeUndefined();
    expect(taggedName(t.keys, `${t.keys.bullPrefix('probe', 2)}:probe:meta`)).toBeUndefined();
  });

  it('moves records, streams and queued jobs, keeps what is already tagged, and is idempotent', async () => {
    const p = t.prefix;
    await t.redis.hset(`${p}:incidents:records`, 'outage:bs-1', '{"id":"outage:bs-1"}');
    await t.redis.xadd(`${p}:events:out`, '*', 'type', 'incident.opened');
    await t.redis.hset(t.keys.suggestionRecords(), 's-1', '{}');
    const legacyQueue = new Queue('actions', { connection: t.redis, prefix: `${p}:bull` });
    await legacyQueue.add('remote_reboot', { actionId: 'a-1' }, { jobId: 'a-1' });
    await legacyQueue.close();

    const first = await tagLegacyKeys(t.redis, t.keys);
    expect(first.clashes).toEqual([]);
    expect(first.renamed).toBeGreaterThanOrEqual(4);

    expect(await t.redis.hget(t.keys.incidentRecords(), 'outage:bs-1')).toBe('{"id":"outage:bs-1"}');
    expect(await t.redis.xlen(t.keys.events())).toBe(1);
    expect(await t.redis.hget(t.keys.suggestionRecords(), 's-1')).toBe('{}');
    const queue = new Queue('actions', { connection: t.redis, prefix: t.keys.bullPrefix('actions', 0) });
    try {
      expect((await queue.getJob('a-1'))?.data).toEqual({ actionId: 'a-1' });
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await queue.close();
    }
    expect(await t.redis.exists(`${p}:incidents:records`, `${p}:events:out`, `${p}:bull:actions:wait`)).toBe(
      0,
    );

    const again = await tagLegacyKeys(t.redis, t.keys);
    expect(again.renamed).toBe(0);
    expect(again.tagged).toBeGreaterThanOrEqual(first.renamed + 1);
  });

  it('leaves a key whose new name is taken, and says which', async () => {
    const p = t.prefix;
    await t.redis.set(`${p}:config:generation`, '7');
    await t.redis.set(t.keys.configGeneration(), '9');
    const report = await tagLegacyKeys(t.redis, t.keys);
    expect(report.clashes).toEqual([`${p}:config:generation`]);
    expect(await t.redis.get(t.keys.configGeneration())).toBe('9');
    expect(await t.redis.get(`${p}:config:generation`)).toBe('7');
  });
});
