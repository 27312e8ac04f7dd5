import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { parseRedisUrl, type ClusterTarget } from './redis-url.js';

/**
 * Every Redis connection is built here (BullMQ's production guide): a *command* connection for
 * request paths fails fast when Redis is gone, so an API call answers 503 instead of hanging; a
 * *worker* connection (BullMQ workers, stream readers) waits for Redis forever and resumes. REDIS_URL
 * may name Sentinels instead of a server (redis-url.ts): every connection then follows a failover. Or
 * it names a Redis Cluster: every connection is then an ioredis `Cluster`, which speaks the same
 * commands and routes each by its key's slot (redis-keys.ts tags every key group that must share one).
 */
export type RedisPurpose = 'command' | 'worker';

export function createRedisConnection(url: string, purpose: RedisPurpose, name = 'vigil'): Redis {
  const common: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  const options: RedisOptions =
    purpose === 'worker'
      ? { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true }
      : { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const target = parseRedisUrl(url);
  if ('url' in target) return new Redis(url, options);
  if ('cluster' in target) return createClusterConnection(target.cluster, options, purpose);
  return new Redis({
    ...options,
    ...target.sentinel,
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // A primary demoted behind our back answers writes with READONLY: reconnect, the Sentinels name the new one.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  });
}

/**
 * A Cluster client typed as the single-node client: every call site issues the same commands to both
 * (a multi-key command, Lua script or MULTI only on keys of one hash tag, so one slot), and BullMQ takes
 * either. What differs is internal: the slot map, MOVED/ASK redirections, a pipeline per node.
 */
function createClusterConnection(
  cluster: ClusterTarget,
  options: RedisOptions,
  purpose: RedisPurpose,
): Redis {
  const { enableOfflineQueue, retryStrategy, ...nodeOptions } = options;
  const client = new Cluster(cluster.nodes, {
    redisOptions: {
      ...nodeOptions,
      ...(cluster.username !== undefined ? { username: cluster.username } : {}),
      ...(cluster.password !== undefined ? { password: cluster.password } : {}),
    },
    enableOfflineQueue: enableOfflineQueue ?? true,
    clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? 2_000,
    // A command connection fails fast while the slot map is unknown, like the single-node one.
    ...(purpose === 'command' ? { slotsRefreshTimeout: 2_000 } : {}),
  });
  return client as unknown as Redis;
}

/** Resolves once the connection is ready, or rejects after `timeoutMs` with a clear message. */
export async function waitForRedis(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
