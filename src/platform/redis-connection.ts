import { Redis, type RedisOptions } from 'ioredis';

/**
 * Every Redis connection is built here (BullMQ's production guide): a *command* connection for
 * request paths fails fast when Redis is gone, so an API call answers 503 instead of hanging; a
 * *worker* connection (BullMQ workers, stream readers) waits for Redis forever and resumes.
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
  return new Redis(url, options);
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
