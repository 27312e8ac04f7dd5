import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { readIncidentAlerts } from '../../alerts/incident-alert-ledger.js';
import type { Incident } from '../../correlation/index.js';
import { readHistory } from '../../diagnosis/incident-history.js';
import type { IncidentStore } from '../../diagnosis/incident-store.js';
import { incidentSubscriberPage } from '../../diagnosis/incident-subscribers.js';
import { createIncidentCache } from '../../diagnosis/incident-cache.js';
import { incidentTreeLevel } from '../../diagnosis/incident-tree.js';
import { createSubtreeCache } from '../../diagnosis/subtree-cache.js';
import type { InventoryStore } from '../../inventory/index.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { AppError } from '../../shared/app-error.js';
import { incidentTimeline } from '../incident-timeline.js';
import { problemResponses } from '../problem-responses.js';
import { Id, ComposedIdParams as idParams } from '../schemas/id-params.js';
import { SubscriberPageSchema, TimelineSchema, TreeLevelSchema } from '../schemas/incident-tree-schemas.js';

export interface IncidentTreeRoutesOptions {
  redis: Redis;
  keys: RedisKeys;
  incidents: IncidentStore;
  inventory: InventoryStore;
}

const NOC = { roles: ['noc', 'admin'] } as const;
const NOT_FOUND = ['ERR_INCIDENT_NOT_FOUND', 'no incident "outage:an-0009"'] as const;
const BAD_CURSOR = (code: string) => [code, 'cursor is not one this API returned'] as const;

const pageQuery = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    ...extra,
    cursor: { type: 'string', maxLength: 512, description: "a previous page's nextCursor" },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
});

const treeSchema = {
  summary: "An incident's tree, one level and one page at a time",
  description:
    "For NOC: the node `parent` (the incident's root when absent) and a page of its children, each with " +
    'its status, whether the incident lists it as cut off, its direct children and subscribers, and what ' +
    'lies beneath it by status (collapsed). A 20k-CPE outage is read a level and a page at a time, never whole.',
  tags: ['incidents'],
  params: idParams,
  querystring: pageQuery({ parent: { ...Id, description: "a device beneath the incident's root" } }),
  response: {
    200: TreeLevelSchema,
    ...problemResponses('/v1/incidents/{id}/tree', [
      NOT_FOUND,
      ['ERR_DEVICE_NOT_FOUND', 'device "cpe-000042" is not beneath outage:an-0001\'s root'],
      BAD_CURSOR('ERR_INVENTORY_QUERY_INVALID'),
    ]),
  },
};

const subscribersSchema = {
  summary: "An incident's affected subscribers, paged, those talking to an agent marked",
  description:
    'For NOC: the subscribers the incident cuts off, in id order, a page at a time, each with how many ' +
    'conversations it has open with agents now (the subscribers already calling).',
  tags: ['incidents'],
  params: idParams,
  querystring: pageQuery(),
  response: {
    200: SubscriberPageSchema,
    ...problemResponses('/v1/incidents/{id}/subscribers', [
      NOT_FOUND,
      BAD_CURSOR('ERR_INCIDENT_QUERY_INVALID'),
    ]),
  },
};

const timelineSchema = {
  summary:
    "An incident's timeline: first failure, announced, ETA and notes, acknowledged, resolved; its alerts",
  description:
    'For NOC: what happened to the incident, oldest first — its first failure, when it was announced, how ' +
    'its affected devices moved, each ETA and note NOC set, who acknowledged it, its end — and how many ' +
    'alerts (webhooks, Alertmanager) were queued, delivered and dead-lettered. Its SMS: `GET /v1/incidents/{id}/sms`.',
  tags: ['incidents'],
  params: idParams,
  response: { 200: TimelineSchema, ...problemResponses('/v1/incidents/{id}/timeline', [NOT_FOUND]) },
};

interface PageQuery {
  cursor?: string;
  limit?: number;
}

/**
 * An outage's shape for the NOC's incident page: its tree by level, its subscribers by page, its
 * timeline. Each answer is bounded by the page asked for, whatever the outage's size.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const incidentTreeRoutes: FastifyPluginAsync<IncidentTreeRoutesOptions> = async (app, options) => {
  const { redis, keys, incidents, inventory } = options;
  // Kept between requests: NOC pages through one big outage (incident-cache.ts, subtree-cache.ts).
  const incidentById = createIncidentCache(incidents);
  const subtrees = createSubtreeCache({ redis, keys, inventory });
  const incidentOf = async (id: string): Promise<Incident> => {
    const incident = await incidentById(id);
    if (!incident) throw new AppError('ERR_INCIDENT_NOT_FOUND', `no incident "${id}"`);
    return incident;
  };

  app.get<{ Params: { id: string }; Querystring: PageQuery & { parent?: string } }>(
    '/v1/incidents/:id/tree',
    { config: NOC, schema: treeSchema },
    async (request) => {
      const { parent, cursor, limit = 100 } = request.query;
      return incidentTreeLevel({ redis, keys, inventory, subtrees }, await incidentOf(request.params.id), {
        limit,
        ...(parent === undefined ? {} : { parent }),
        ...(cursor === undefined ? {} : { cursor }),
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: PageQuery }>(
    '/v1/incidents/:id/subscribers',
    { config: NOC, schema: subscribersSchema },
    async (request) => {
      const { cursor, limit = 100 } = request.query;
      return incidentSubscriberPage({ redis, keys, inventory }, await incidentOf(request.params.id), {
        limit,
        ...(cursor === undefined ? {} : { cursor }),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/incidents/:id/timeline',
    { config: NOC, schema: timelineSchema },
    async (request) => {
      const incident = await incidentOf(request.params.id);
      const [history, alerts] = await Promise.all([
        readHistory(redis, keys, incident),
        readIncidentAlerts(redis, keys, incident.id),
      ]);
      return incidentTimeline(incident, history, alerts);
    },
  );
};
