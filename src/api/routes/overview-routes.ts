import type { FastifyPluginCallback } from 'fastify';
import type { OverviewFeed } from '../../metrics/overview-feed.js';
import { streamOverview } from '../../metrics/overview-stream.js';
import { OverviewSchema } from '../schemas/overview-schemas.js';

export interface OverviewRoutesOptions {
  overview: OverviewFeed;
  /** Comment lines on an idle stream, so proxies keep it open. */
  heartbeatMs?: number;
}

const ROLES = { roles: ['noc', 'admin'] as const };

const overviewSchema = {
  summary: "The NOC overview: the fleet's health by kind and status, the biggest incidents, the last hour",
  description:
    'For the NOC console and wallboards: devices by kind (cpe, access_node, base_station) and status ' +
    '(up, degraded, down, unknown), pending and open incidents ranked by subscribers affected, the last ' +
    '60 minutes as per-minute counts (polls, poll failures, findings opened and open, suggestions made ' +
    'and accepted, actions by result, alert deliveries by result; sampled in Redis by the pollers and ' +
    "workers), the poll schedule's lag and the alerts' backlog. Read from Redis: every API instance " +
    'answers the same.',
  tags: ['metrics'],
  response: { 200: OverviewSchema },
};

const streamSchema = {
  summary:
    'The NOC overview as it moves (server-sent events): a fresh picture whenever a device changes status',
  description:
    'An `overview` event (data: the same JSON as `GET /v1/overview`) at once, then again whenever a ' +
    "poll moves a device's status (bursts coalesced into one) and at least every 15 s; heartbeat " +
    'comments in between. Each event is the whole picture, so a client that falls behind skips to the ' +
    'newest one; there is nothing to replay.',
  tags: ['metrics'],
  response: {
    200: {
      description: 'text/event-stream: `event: overview` and `data` (JSON, the overview) per event',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
  },
};

/** `GET /v1/overview` and its live stream `GET /v1/overview/events`, for noc and admin keys. */
export const overviewRoutes: FastifyPluginCallback<OverviewRoutesOptions> = (app, options, done) => {
  const { overview } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const streams = new Set<() => void>();
  app.addHook('onClose', (_app, closed) => {
    for (const end of streams) end();
    closed();
  });

  app.get('/v1/overview', { config: ROLES, schema: overviewSchema }, () => overview.read());

  app.get('/v1/overview/events', { config: ROLES, schema: streamSchema }, async (_request, reply) => {
    const first = await overview.read();
    reply.hijack();
    const stop = streamOverview(reply.raw, overview, first, heartbeatMs);
    streams.add(stop);
    reply.raw.on('close', () => streams.delete(stop));
  });

  done();
};
