import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEventGroupReader,
  type EventGroupReader,
  type StreamEntry,
} from '../../src/events/event-group-reader.js';
import { createLogger } from '../../src/platform/logger.js';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from '../helpers/test-redis.js';
import { until } from '../helpers/wait.js';

/** The alert and SMS workers' read of the outward stream, on its own: what it hands over, and when. */
describe('a consumer group reader of the outward stream', () => {
  let t: TestRedis;
  let reader: EventGroupReader | undefined;
  const handled: string[] = [];

  const add = (n: string) => t.redis.xadd(t.keys.events(), '*', 'n', n);
  const pending = async () => ((await t.redis.xpending(t.keys.events(), 'g')) as [number])[0];
  function start(options: { reclaimIdleMs?: number } = {}): Promise<void> {
    reader = createEventGroupReader({
      redis: t.redis,
      reader: new Redis(TEST_REDIS_URL),
      keys: t.keys,
      group: 'g',
      count: 10,
      reclaimEveryMs: 100,
      ...options,
      handle: (entries: readonly StreamEntry[]) => {
        handled.push(...entries.map(([, fields]) => fields[1] ?? ''));
        return Promise.resolve();
      },
      log: createLogger({ level: 'silent' }),
      failure: 'test reading failed; retrying',
    });
    return reader.start(t.redis);
  }

  beforeEach(async () => {
    t = await createTestRedis();
    handled.length = 0;
  });
  afterEach(async () => {
    await reader?.stop();
    await t.close();
  });

  it('hands over what is added after it starts, never the history, and acknowledges it', async () => {
    await add('before');
    await start();
    await add('a');
    await add('b');
    await until(() => handled.length === 2);
    expect(handled).toEqual(['a', 'b']);
    await until(async () => (await pending()) === 0, { what: 'both acknowledged' });
  });

  it('takes over the entries a dead worker read and never acknowledged', async () => {
    await start({ reclaimIdleMs: 200 });
    await reader?.stop();
    await add('orphan');
    // Another worker read it, then died before acknowledging.
    await t.redis.xreadgroup('GROUP', 'g', 'dead-worker', 'COUNT', 10, 'STREAMS', t.keys.events(), '>');
    expect(await pending()).toBe(1);
    await start({ reclaimIdleMs: 200 });
    await until(() => handled.includes('orphan'), { what: 'the orphan reclaimed' });
    await until(async () => (await pending()) === 0, { what: 'the orphan acknowledged' });
  });

  it('creates its group again when the stream is gone, and reads on', async () => {
    await start();
    await add('a');
    await until(() => handled.length === 1);
    await t.redis.del(t.keys.events());
    // The group goes with the stream: the reader recreates it (NOGROUP), from then on.
    await until(async () => {
      await add('after');
      return handled.includes('after');
    });
    expect(handled[0]).toBe('a');
  });
});
