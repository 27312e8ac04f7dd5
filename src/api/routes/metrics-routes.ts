import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { createMetricsRenderer, registerLocalGauge } from '../../metrics/render-metrics.js';
import { createRedisConnection } from '../../platform/redis-connection.js';
import type { RedisKeys } from '../../platform/redis-keys.js';

export interface MetricsRoutesOptions {
  redis: Redis;
  redisUrl: string;
  keys: RedisKeys;
  pollShards: number;
}

/** `GET /metrics` in the Prometheus text format, for a scraper holding a noc key (bearer_token in its config). */
// eslint-disable-next-line @typescript-eslint/require-await
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, options) => {
  const queueConnection = createRedisConnection(options.redisUrl, 'worker', 'vigil-api-metrics');
  const renderer = createMetricsRenderer({ ...options, queueConnection });
  registerLocalGauge(
    'vigil_api_resident_memory_bytes',
    'Resident memory of this API process.',
    () => process.memoryUsage().rss,
  );
  registerLocalGauge(
    'vigil_api_heap_used_bytes',
    'V8 heap in use by this API process (with all roles in one process, the whole service).',
    () => process.memoryUsage().heapUsed,
  );
  app.addHook('onClose', async () => {
    await renderer.close();
    queueConnection.disconnect();
  });
  app.get(
    '/metrics',
    {
      config: { roles: ['noc', 'admin'] },
      schema: {
        summary: 'Prometheus metrics of the fleet and the service (vigil_*)',
        description:
          "For Prometheus (scrape with a noc key): the whole service's counters, kept in Redis so any API " +
          'instance shows the totals (polls, traps, findings, suggestions, actions, webhook deliveries, ' +
          '429s), gauges read at scrape time (devices by status, open findings and incidents, schedule lag, ' +
          "queues, conversations, alerts) and this instance's stream clients and memory.",
        tags: ['metrics'],
        response: {
          200: {
            description: 'Prometheus text exposition format 0.0.4',
            content: {
              'text/plain': {
                schema: {
                  type: 'string',
                  examples: ['# TYPE vigil_polls_total counter\nvigil_polls_total{outcome="ok"} 182034\n'],
                },
              },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      void reply.type('text/plain; version=0.0.4; charset=utf-8');
      return renderer.render();
    },
  );
};
