import type { RedisOptions } from 'ioredis';

/**
 * Where Redis is, from REDIS_URL: `redis://` or `rediss://` (one server, ioredis reads the URL), or
 * `redis+sentinel://[:password@]host:port[,host:port…]/<master name>[/<db>]` — the Sentinels to ask
 * and the name of the primary they watch, so every connection follows a failover to the new primary
 * (ioredis asks the Sentinels again on each reconnect). The password is the data nodes'; the Sentinels
 * are asked without one.
 */
export type RedisTarget = { url: string } | { sentinel: RedisOptions };

const SENTINEL_SCHEME = 'redis+sentinel://';

export function parseRedisUrl(url: string): RedisTarget {
  if (!url.startsWith(SENTINEL_SCHEME)) return { url };
  const rest = url.slice(SENTINEL_SCHEME.length);
  const at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length : rest.indexOf('/'));
  const credentials = at >= 0 ? rest.slice(0, at) : '';
  const [hostList = '', name = '', db] = (at >= 0 ? rest.slice(at + 1) : rest).split('/');
  const sentinels = hostList.split(',').map((entry) => {
    const match = /^([^:,]+):(\d{1,5})$/.exec(entry);
    if (!match) throw new Error(`REDIS_URL: "${entry}" is not a Sentinel host:port`);
    return { host: match[1] as string, port: Number(match[2]) };
  });
  if (name === '') throw new Error('REDIS_URL: a Sentinel URL names its primary after the hosts (/mymaster)');
  if (db !== undefined && !/^\d+$/.test(db)) throw new Error(`REDIS_URL: "${db}" is not a database number`);
  const [username = '', password = ''] = credentials.includes(':')
    ? credentials.split(':', 2)
    : ['', credentials];
  return {
    sentinel: {
      sentinels,
      name: decodeURIComponent(name),
      ...(db !== undefined ? { db: Number(db) } : {}),
      ...(username !== '' ? { username: decodeURIComponent(username) } : {}),
      ...(password !== '' ? { password: decodeURIComponent(password) } : {}),
    },
  };
}
