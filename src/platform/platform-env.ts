import { Type, type StaticDecode } from '@sinclair/typebox';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The process's plumbing: Redis and logs (README "Configuration"). */
export const PLATFORM_ENV = Type.Object({
  // A Redis URL may carry a password (redis://:password@host), so it is never echoed.
  REDIS_URL: Type.String({
    pattern: '^(rediss?|redis\\+sentinel|redis\\+cluster)://\\S+$',
    default: 'redis://127.0.0.1:6379',
    expected:
      'a redis:// or rediss:// URL (redis://host:port), redis+sentinel://host:port,host:port/<primary name>, or redis+cluster://host:port,host:port',
    secret: true,
    description:
      'Redis to use, redis:// or rediss:// (default redis://127.0.0.1:6379), Sentinels: redis+sentinel://host:port,host:port/<primary name>, or a Redis Cluster: redis+cluster://host:port,host:port (a few of its masters).',
  }),
  VIGIL_REDIS_PREFIX: Type.String({
    pattern: '^[a-zA-Z0-9_.-]+$',
    default: 'vigil',
    expected: 'letters, digits, "_", "-" and "." only',
    description: 'First part of every Redis key (default "vigil"); tests give each run its own.',
  }),
  VIGIL_QUEUE_SHARDS: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 1,
    description:
      'BullMQ queues each busy queue (polls, probes, actions, alerts) is spread over (default 1), each in a hash slot of its own: on a Redis Cluster, a few per master. Every process of one installation must agree.',
  }),
  VIGIL_LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: 'info', description: 'Least level logged, fatal … trace or silent (default info).' },
  ),
});

export type PlatformEnv = StaticDecode<typeof PLATFORM_ENV>;

export interface PlatformConfig {
  redisUrl: string;
  redisPrefix: string;
  /** BullMQ queues each busy queue is spread over (VIGIL_QUEUE_SHARDS); every process must agree. */
  queueShards: number;
  logLevel: string;
}

export function platformConfigFromEnv(values: PlatformEnv): PlatformConfig {
  return {
    redisUrl: values.REDIS_URL,
    redisPrefix: values.VIGIL_REDIS_PREFIX,
    queueShards: values.VIGIL_QUEUE_SHARDS,
    logLevel: values.VIGIL_LOG_LEVEL,
  };
}
