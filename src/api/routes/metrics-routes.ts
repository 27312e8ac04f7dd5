import type { FastifyPluginAsync } from 'fastify';
import { METRICS_CONTENT_TYPE } from '../../metrics/render-metrics.js';
import type { ApiServices } from '../api-services.js';

export interface MetricsRoutesOptions {
  renderMetrics: ApiServices['renderMetrics'];
}

/** `GET /metrics` in the Prometheus text format, for a scraper holding a noc key (bearer_token in its config). */
// eslint-disable-next-line @typescript-eslint/require-await
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, options) => {
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
          "queues, conversations, alerts, the advisor leader, whether Redis answered), this instance's stream " +
          "clients and prom-client's process metrics (CPU, memory, heap, GC, event-loop lag, handles).",
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
      void reply.type(METRICS_CONTENT_TYPE);
      return options.renderMetrics();
    },
  );
};
