import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { MaintenanceTarget } from '../../correlation/index.js';
import { createMaintenanceStore, type StoredMaintenanceWindow } from '../../diagnosis/maintenance-store.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { AppError } from '../../shared/app-error.js';

export interface MaintenanceRoutesOptions {
  redis: Redis;
  keys: RedisKeys;
}

const NOC = { roles: ['noc', 'admin'] } as const;
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['id'],
} as const;
const problem = { $ref: 'Problem#' } as const;
const windowSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    deviceId: { type: 'string' },
    site: { type: 'string' },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    note: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string' },
  },
} as const;

interface WindowBody {
  deviceId?: string;
  site?: string;
  startsAt: string;
  endsAt: string;
  note?: string;
}

/**
 * Maintenance windows: NOC declares works on a device or a whole site for a time range; an outage whose
 * root they cover becomes planned works (agents are still told, alerts are not sent).
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const maintenanceRoutes: FastifyPluginAsync<MaintenanceRoutesOptions> = async (app, options) => {
  const store = createMaintenanceStore(options.redis, options.keys);

  app.post<{ Body: WindowBody }>(
    '/v1/maintenance',
    {
      config: NOC,
      schema: {
        summary: 'Declare a maintenance window on one device (deviceId) or one site (site)',
        tags: ['maintenance'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['startsAt', 'endsAt'],
          properties: {
            deviceId: { type: 'string', minLength: 1, maxLength: 128 },
            site: { type: 'string', minLength: 1, maxLength: 128 },
            startsAt: { type: 'string', format: 'date-time' },
            endsAt: { type: 'string', format: 'date-time' },
            note: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 201: windowSchema, 422: problem },
      },
    },
    async (request, reply) => {
      const { deviceId, site, startsAt, endsAt, note } = request.body;
      if ((deviceId === undefined) === (site === undefined))
        throw new AppError('ERR_MAINTENANCE_INVALID', 'give exactly one of deviceId and site');
      const target: MaintenanceTarget = deviceId !== undefined ? { deviceId } : { site: site as string };
      const created = await store.create(
        {
          target,
          startsAt: Date.parse(startsAt),
          endsAt: Date.parse(endsAt),
          note: note ?? '',
          ...(request.principal ? { createdBy: `${request.principal.role}:${request.principal.keyId}` } : {}),
        },
        Date.now(),
      );
      void reply.code(201);
      return view(created);
    },
  );

  app.get(
    '/v1/maintenance',
    {
      config: NOC,
      schema: {
        summary: 'Maintenance windows, current, future and ended in the last week, by start',
        tags: ['maintenance'],
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: windowSchema } },
            required: ['items'],
          },
        },
      },
    },
    async () => ({ items: (await store.list(Date.now())).map(view) }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/maintenance/:id',
    {
      config: NOC,
      schema: {
        summary: 'One maintenance window',
        tags: ['maintenance'],
        params: idParams,
        response: { 200: windowSchema, 404: problem },
      },
    },
    async (request) => view(await found(request.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: { startsAt?: string; endsAt?: string; note?: string } }>(
    '/v1/maintenance/:id',
    {
      config: NOC,
      schema: {
        summary: 'Move or extend a window, or change its note',
        tags: ['maintenance'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            startsAt: { type: 'string', format: 'date-time' },
            endsAt: { type: 'string', format: 'date-time' },
            note: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: windowSchema, 404: problem, 422: problem },
      },
    },
    async (request) => {
      const { startsAt, endsAt, note } = request.body;
      return view(
        await store.update(request.params.id, {
          ...(startsAt !== undefined ? { startsAt: Date.parse(startsAt) } : {}),
          ...(endsAt !== undefined ? { endsAt: Date.parse(endsAt) } : {}),
          ...(note !== undefined ? { note } : {}),
        }),
      );
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/maintenance/:id',
    {
      config: NOC,
      schema: {
        summary: 'Cancel a maintenance window',
        tags: ['maintenance'],
        params: idParams,
        response: { 204: { type: 'null' }, 404: problem },
      },
    },
    async (request, reply) => {
      if (!(await store.remove(request.params.id)))
        throw new AppError('ERR_MAINTENANCE_NOT_FOUND', `no maintenance window "${request.params.id}"`);
      void reply.code(204);
    },
  );

  async function found(id: string): Promise<StoredMaintenanceWindow> {
    const window = await store.get(id);
    if (!window) throw new AppError('ERR_MAINTENANCE_NOT_FOUND', `no maintenance window "${id}"`);
    return window;
  }
};

function view(window: StoredMaintenanceWindow): Record<string, unknown> {
  return {
    id: window.id,
    ...window.target,
    startsAt: new Date(window.startsAt).toISOString(),
    endsAt: new Date(window.endsAt).toISOString(),
    note: window.note,
    createdAt: new Date(window.createdAt).toISOString(),
    ...(window.createdBy !== undefined ? { createdBy: window.createdBy } : {}),
  };
}
