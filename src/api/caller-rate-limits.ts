import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { countInto } from '../platform/fleet-counters.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';

export interface CallerRateLimitOptions {
  /** Requests a minute per client address to public and unknown routes. */
  anonymousPerMinute: number;
  /** Requests a minute per client address with no key or a wrong one. */
  failedAuthPerMinute: number;
  /** Requests a minute per API key, once auth has named it. */
  keyPerMinute: number;
  /** Where the 429s are counted (vigil_http_rate_limited_total), once a second. */
  redis: Redis;
  keys: RedisKeys;
}

export interface CallerRateLimits {
  /** Before auth: public and unknown routes, per client address. Register before auth's hook. */
  beforeAuth: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Auth calls this for a missing or wrong key: past the address's budget, 429 replaces the 401. */
  authRejected: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Auth calls this once it knows the key (a 403 counts too): per key id, never the token. */
  identified: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
/** Whose budget ran out, as the answer says it. */
const EXCEEDED = {
  anonymous: 'from this address without a key',
  failed_auth: 'from this address with a missing or wrong key',
  key: 'for this key',
} as const;
type Bucket = keyof typeof EXCEEDED;

const MINUTE_MS = 60_000;

/**
 * Three budgets, each in memory per API instance (a guard against runaway and hostile clients, not
 * accounting): anonymous requests per client address, requests with a missing or wrong key per
 * address (smaller), and authenticated requests per key id. An address is counted only while no key
 * vouches for it, so a valid key behind a contact centre's NAT is never refused for a neighbour's
 * mistakes. Routes with `config: { rateLimit: false }` (health) are never limited. The client address
 * is `request.ip`, which follows `trustProxy` behind a proxy; IPv6 clients count per /64, as
 * @fastify/rate-limit's own key does.
 */
export function registerCallerRateLimits(
  app: FastifyInstance,
  options: CallerRateLimitOptions,
): CallerRateLimits {
  // Its store only (an LRU of 5,000 entries per budget, so a flood of addresses cannot grow memory);
  // the hooks below decide when each budget applies.
  void app.register(rateLimit, { global: false });
  let limiters: Record<Bucket, Limiter> | undefined;
  // createRateLimit exists once the plugin has loaded, which is before any request.
  const limiter = (): NonNullable<typeof limiters> =>
    (limiters ??= {
      anonymous: app.createRateLimit({ max: options.anonymousPerMinute, timeWindow: MINUTE_MS }),
      failed_auth: app.createRateLimit({ max: options.failedAuthPerMinute, timeWindow: MINUTE_MS }),
      key: app.createRateLimit({
        max: options.keyPerMinute,
        timeWindow: MINUTE_MS,
        keyGenerator: (request) => request.principal?.keyId ?? '',
      }),
    });

  // 429s are counted in memory and written once a second: a flood must not become a flood of writes.
  const refused = new Map<Bucket, number>();
  const flush = async (): Promise<void> => {
    if (refused.size === 0) return;
    const pipeline = options.redis.pipeline();
    for (const [bucket, count] of refused)
      countInto(pipeline, options.keys, 'vigil_http_rate_limited_total', { bucket }, count);
    refused.clear();
    await pipeline.exec().catch(() => undefined);
  };
  const timer = setInterval(() => void flush(), 1_000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await flush();
  });

  return {
    async beforeAuth(request, reply) {
      const config = request.routeOptions.config;
      if (config.rateLimit === false) return;
      if (config.public === true || request.is404)
        await enforce(limiter().anonymous, request, reply, 'anonymous', refused);
    },
    async authRejected(request, reply) {
      await enforce(limiter().failed_auth, request, reply, 'failed_auth', refused);
    },
    async identified(request, reply) {
      if (request.principal) await enforce(limiter().key, request, reply, 'key', refused);
    },
  };
}

async function enforce(
  limiter: Limiter,
  request: FastifyRequest,
  reply: FastifyReply,
  bucket: Bucket,
  refused: Map<Bucket, number>,
): Promise<void> {
  const result = await limiter(request);
  if (result.isAllowed || !result.isExceeded) return;
  refused.set(bucket, (refused.get(bucket) ?? 0) + 1);
  const retryAfterSeconds = Math.max(1, result.ttlInSeconds);
  void reply
    .header('retry-after', String(retryAfterSeconds))
    .header('x-ratelimit-limit', String(result.max))
    .header('x-ratelimit-remaining', '0')
    .header('x-ratelimit-reset', String(retryAfterSeconds));
  // The request's own log line names the key by its key id and the address; the bucket says which.
  request.log.info({ bucket, max: result.max }, 'rate limited');
  throw new AppError(
    'ERR_RATE_LIMITED',
    `more than ${result.max} requests a minute ${EXCEEDED[bucket]}; retry in ${retryAfterSeconds} s`,
    { retryable: true },
  );
}
