import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../src/platform/redis-url.js';

describe('parseRedisUrl', () => {
  it('leaves a redis:// or rediss:// URL to ioredis', () => {
    expect(parseRedisUrl('redis://:pw@10.0.0.5:6379/2')).toEqual({ url: 'redis://:pw@10.0.0.5:6379/2' });
    expect(parseRedisUrl('rediss://cache.example:6380')).toEqual({ url: 'rediss://cache.example:6380' });
  });

  it('reads the Sentinels, the primary name, the database and the data nodes’ password', () => {
    expect(
      parseRedisUrl('redis+sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379/mymaster/1'),
    ).toEqual({
      sentinel: {
        sentinels: [
          { host: '10.0.0.1', port: 26379 },
          { host: '10.0.0.2', port: 26379 },
          { host: '10.0.0.3', port: 26379 },
        ],
        name: 'mymaster',
        db: 1,
        password: 's3cret',
      },
    });
    expect(parseRedisUrl('redis+sentinel://vigil:pw@s1:26379/vigil-primary')).toMatchObject({
      sentinel: { name: 'vigil-primary', username: 'vigil', password: 'pw' },
    });
  });

  it('reads a cluster’s seed nodes and the nodes’ credentials', () => {
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001')).toEqual({
      cluster: {
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
        ],
      },
    });
    expect(parseRedisUrl('redis+cluster://vigil:p%40ss@c1:7000/')).toEqual({
      cluster: { nodes: [{ host: 'c1', port: 7000 }], username: 'vigil', password: 'p@ss' },
    });
  });

  it.each([
    ['redis+cluster://c1', /"c1" is not a cluster node host:port/],
    ['redis+cluster://c1:7000/2', /a cluster has no database number/],
    ['redis+sentinel://s1:26379', /names its primary/],
    ['redis+sentinel://s1/mymaster', /"s1" is not a Sentinel host:port/],
    ['redis+sentinel://s1:26379,:1/mymaster', /":1" is not a Sentinel host:port/],
    ['redis+sentinel://s1:26379/mymaster/x', /"x" is not a database number/],
  ])('refuses %s, saying what is wrong', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never quotes the password in an error', () => {
    expect(() => parseRedisUrl('redis+cluster://:hunter2@bad')).toThrow(/"bad"/);
    expect(() => parseRedisUrl('redis+sentinel://:hunter2@bad/mymaster')).toThrow(/"bad"/);
    try {
      parseRedisUrl('redis+sentinel://:hunter2@bad/mymaster');
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});
