import type { FastifyPluginCallback } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/app-error.js';
import { HTTP_CODES } from '../problem-catalogue.js';
import { problemResponses } from '../problem-responses.js';

export interface HealthRoutesOptions {
  redis: Redis;
  /** The other connections a request waits on (queue producers); ready only when each is connected. */
  requestConnections?: () => readonly Redis[];
  /** How long readiness waits for PING; short, because a load balancer probes often. */
  readyTimeoutMs?: number;
}

/**
 * Liveness and readiness, both public (load balancers and orchestrators hold no key).
 * /healthz says the process answers and touches nothing else, so a Redis outage never gets healthy
 * API processes restarted; /readyz says this instance can serve, which needs Redis.
 */
export const healthRoutes: FastifyPluginCallback<HealthRoutesOptions> = (app, options, done) => {
  const readyTimeoutMs = options.readyTimeoutMs ?? 1_000;

  app.get(
    '/healthz',
    {
      // Never rate limited: a load balancer probing often must not lose an instance to a 429.
      config: { public: true, rateLimit: false },
      logLevel: 'warn',
      schema: {
        summary: 'Liveness: the process answers',
        description:
          'For orchestrators: 200 while the process answers; it touches nothing else, so a Redis outage ' +
          'never gets API processes restarted. Never rate limited.',
        tags: ['health'],
        response: { 200: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] } },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      // Never rate limited: a load balancer probing often must not lose an instance to a 429.
      config: { public: true, rateLimit: false },
      logLevel: 'warn',
      schema: {
        summary: 'Readiness: Redis answers PING',
        description:
          'For load balancers: 200 with the PING time when Redis answers within 1 s and every queue ' +
          'connection a request uses is connected, else 503 (`Retry-After: 2`). Never rate limited.',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            properties: { status: { const: 'ready' }, redisMs: { type: 'number' } },
            required: ['status'],
          },
          ...problemResponses('/readyz', [
            [HTTP_CODES.redisUnavailable, 'Redis does not answer; this instance cannot serve requests.'],
          ]),
        },
      },
    },
    async () => {
      const startedAt = performance.now();
      await pingWithin(options.redis, readyTimeoutMs);
      requireConnected(options.requestConnections?.() ?? []);
      return { status: 'ready' as const, redisMs: Math.round((performance.now() - startedAt) * 10) / 10 };
    },
  );
  done();
};

async function pingWithin(redis: Redis, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no PING reply within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } catch (error) {
    throw new AppError(
      HTTP_CODES.redisUnavailable,
      'Redis does not answer; this instance cannot serve requests.',
      {
        retryable: true,
        cause: error,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A queue producer reconnects on its own schedule after a failover or a restart, and fails fast
 * meanwhile: an instance whose main connection answers but whose action queue does not would take an
 * accept and answer it 503.
 */
function requireConnected(connections: readonly Redis[]): void {
  const waiting = connections.filter((connection) => connection.status !== 'ready').length;
  if (waiting === 0) return;
  throw new AppError(
    HTTP_CODES.redisUnavailable,
    `${waiting} of ${connections.length} queue connections are reconnecting to Redis; this instance cannot serve requests yet.`,
    { retryable: true },
  );
}
