import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luaScript, runScript } from '../../src/platform/lua-script.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

describe('runScript', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis.close();
  });

  it('runs a script Redis has never seen (NOSCRIPT, then EVAL caches it), then by its SHA alone', async () => {
    // A source of its own, so no other test has loaded it: the first EVALSHA must meet NOSCRIPT.
    const script = luaScript(
      `-- ${randomBytes(8).toString('hex')}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`,
    );
    const key = `${redis.prefix}:{${redis.prefix}}:lua-script-test`;
    expect(await redis.redis.script('EXISTS', script.sha)).toEqual([0]);
    expect(await runScript(redis.redis, script, [key], ['2'])).toBe(2);
    expect(await redis.redis.script('EXISTS', script.sha)).toEqual([1]);
    expect(await runScript(redis.redis, script, [key], [Buffer.from('3')])).toBe(5);
  });

  it("passes a script's own error through, not as NOSCRIPT", async () => {
    const script = luaScript(`return redis.error_reply('ERR_VIGIL_TEST ${randomBytes(4).toString('hex')}')`);
    await expect(runScript(redis.redis, script, [], [])).rejects.toThrow(/ERR_VIGIL_TEST/);
  });
});
