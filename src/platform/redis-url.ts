import type { RedisOptions } from 'ioredis';

/**
 * Where Redis is, from REDIS_URL: `redis://` or `rediss://` (one server, ioredis reads the URL), or
 * `redis+sentinel://[:password@]host:port[,host:port…]/<master name>[/<db>]` — the Sentinels to ask
 * and the name of the primary they watch, so every connection follows a failover to the new primary
 * (ioredis asks the Sentinels again on each reconnect). The password is the data nodes'; the Sentinels
 * are asked without one. Or `redis+cluster://[[user]:password@]host:port[,host:port…]`: seed nodes of a
 * Redis Cluster (any few of its masters; ioredis learns the rest of the slot map from them).
 */
export interface ClusterTarget {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
}
export type RedisTarget = { url: string } | { sentinel: RedisOptions } | { cluster: ClusterTarget };

const SENTINEL_SCHEME = 'redis+sentinel://';
const CLUSTER_SCHEME = 'redis+cluster://';

/** `[[user]:password@]` before the hosts, percent-decoded; the password is never put in an error. */
function splitCredentials(rest: string, end: number): { username: string; password: string; hosts: string } {
  const at = rest.lastIndexOf('@', end);
  const credentials = at >= 0 ? rest.slice(0, at) : '';
  const [username = '', password = ''] = credentials.includes(':')
    ? credentials.split(':', 2)
    : ['', credentials];
  return {
    username: decodeURIComponent(username),
    password: decodeURIComponent(password),
    hosts: at >= 0 ? rest.slice(at + 1) : rest,
  };
}

function parseHosts(hostList: string, what: string): { host: string; port: number }[] {
  return hostList.split(',').map((entry) => {
    const match = /^([^:,]+):(\d{1,5})$/.exec(entry);
    if (!match) throw new Error(`REDIS_URL: "${entry}" is not a ${what} host:port`);
    return { host: match[1] as string, port: Number(match[2]) };
  });
}

function parseClusterUrl(url: string): RedisTarget {
  const rest = url.slice(CLUSTER_SCHEME.length).replace(/\/$/, '');
  const { username, password, hosts } = splitCredentials(rest, rest.length);
  if (hosts.includes('/')) throw new Error('REDIS_URL: a cluster has no database number (/<db>)');
  return {
    cluster: {
      nodes: parseHosts(hosts, 'cluster node'),
      ...(username !== '' ? { username } : {}),
      ...(password !== '' ? { password } : {}),
    },
  };
}

export function parseRedisUrl(url: string): RedisTarget {
  if (url.startsWith(CLUSTER_SCHEME)) return parseClusterUrl(url);
  if (!url.startsWith(SENTINEL_SCHEME)) return { url };
  const rest = url.slice(SENTINEL_SCHEME.length);
  const { username, password, hosts } = splitCredentials(
    rest,
    rest.indexOf('/') < 0 ? rest.length : rest.indexOf('/'),
  );
  const [hostList = '', name = '', db] = hosts.split('/');
  const sentinels = parseHosts(hostList, 'Sentinel');
  if (name === '') throw new Error('REDIS_URL: a Sentinel URL names its primary after the hosts (/mymaster)');
  if (db !== undefined && !/^\d+$/.test(db)) throw new Error(`REDIS_URL: "${db}" is not a database number`);
  return {
    sentinel: {
      sentinels,
      name: decodeURIComponent(name),
      ...(db !== undefined ? { db: Number(db) } : {}),
      ...(username !== '' ? { username } : {}),
      ...(password !== '' ? { password } : {}),
    },
  };
}
