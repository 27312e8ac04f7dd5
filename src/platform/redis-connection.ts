import { Redis, type RedisOptions } from 'ioredis';
import { parseRedisUrl } from './redis-url.js';

/**
 * Every Redis connection is built here (BullMQ's production guide): a *command* connection for
 * request paths fails fast when Redis is gone, so an API call answers 503 instead of hanging; a
 * *worker* connection (BullMQ workers, stream readers) waits for Redis forever and resumes. REDIS_URL
 * may name Sentinels instead of a server (redis-url.ts): every connection then follows a failover.
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
  return new Redis({
    ...options,
    ...target.sentinel,
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // A primary demoted behind our back answers writes with READONLY: reconnect, the Sentinels name the new one.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  });
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
