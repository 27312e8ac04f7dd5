import type { FastifyPluginAsync } from 'fastify';
import type { MaintenanceTarget } from '../../correlation/index.js';
import type { MaintenanceStore, StoredMaintenanceWindow } from '../../diagnosis/maintenance-store.js';
import { AppError } from '../../shared/app-error.js';
import { problemResponses } from '../problem-responses.js';
import { Id, IdParams as idParams } from '../schemas/id-params.js';

export interface MaintenanceRoutesOptions {
  maintenance: MaintenanceStore;
}

const NOC = { roles: ['noc', 'admin'] } as const;
const notFound = (path: string) =>
  problemResponses(path, [['ERR_MAINTENANCE_NOT_FOUND', 'no maintenance window "mw-7d1c"']]);
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

const createSchema = {
  summary: 'Declare a maintenance window on one device (deviceId) or one site (site)',
  description:
    'For NOC: declares works on one device or one whole site from `startsAt` to `endsAt`; an outage ' +
    'whose root the window covers becomes planned works (agents are still told; no alert is sent).',
  tags: ['maintenance'],
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['startsAt', 'endsAt'],
    properties: {
      deviceId: Id,
      site: { type: 'string', minLength: 1, maxLength: 128 },
      startsAt: { type: 'string', format: 'date-time' },
      endsAt: { type: 'string', format: 'date-time' },
      note: { type: 'string', maxLength: 2000 },
    },
  },
  response: {
    201: windowSchema,
    ...problemResponses('/v1/maintenance', [
      ['ERR_MAINTENANCE_INVALID', 'give exactly one of deviceId and site'],
    ]),
  },
};

const listSchema = {
  summary: 'Maintenance windows, current, future and ended in the last week, by start',
  description: 'For NOC: windows current, future and ended in the last week, ordered by start.',
  tags: ['maintenance'],
  response: {
    200: {
      type: 'object',
      properties: { items: { type: 'array', items: windowSchema } },
      required: ['items'],
    },
  },
};

const getSchema = {
  summary: 'One maintenance window',
  description: 'For NOC: one window by id.',
  tags: ['maintenance'],
  params: idParams,
  response: { 200: windowSchema, ...notFound('/v1/maintenance/{id}') },
};

const patchSchema = {
  summary: 'Move or extend a window, or change its note',
  description: 'For NOC: moves, extends or re-notes a window; an unknown field is 400.',
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
  response: {
    200: windowSchema,
    ...notFound('/v1/maintenance/{id}'),
    ...problemResponses('/v1/maintenance/{id}', [
      ['ERR_MAINTENANCE_INVALID', 'endsAt must be later than startsAt'],
    ]),
  },
};

const deleteSchema = {
  summary: 'Cancel a maintenance window',
  description: 'For NOC: cancels a window; an outage it made planned works is an outage again.',
  tags: ['maintenance'],
  params: idParams,
  response: { 204: { type: 'null', description: 'cancelled' }, ...notFound('/v1/maintenance/{id}') },
};

/**
 * Maintenance windows: NOC declares works on a device or a whole site for a time range; an outage whose
 * root they cover becomes planned works (agents are still told, alerts are not sent).
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const maintenanceRoutes: FastifyPluginAsync<MaintenanceRoutesOptions> = async (app, options) => {
  const store = options.maintenance;
  app.post<{ Body: WindowBody }>(
    '/v1/maintenance',
    { config: NOC, schema: createSchema },
    async (request, reply) => {
      const { deviceId, site, startsAt, endsAt, note } = request.body;
      if ((deviceId === undefined) === (site === undefined))
        throw new AppError('ERR_MAINTENANCE_INVALID', 'give exactly one of deviceId and site');
      const target: MaintenanceTarget = deviceId !== undefined ? { deviceId } : { site: site as string };
      const by = request.principal
        ? { createdBy: `${request.principal.role}:${request.principal.keyId}` }
        : {};
      const window = { target, startsAt: Date.parse(startsAt), endsAt: Date.parse(endsAt), note: note ?? '' };
      const created = await store.create({ ...window, ...by }, Date.now());
      void reply.code(201);
      return view(created);
    },
  );

  app.get('/v1/maintenance', { config: NOC, schema: listSchema }, async () => ({
    items: (await store.list(Date.now())).map(view),
  }));

  app.get<{ Params: { id: string } }>(
    '/v1/maintenance/:id',
    { config: NOC, schema: getSchema },
    async (request) => view(await found(request.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: { startsAt?: string; endsAt?: string; note?: string } }>(
    '/v1/maintenance/:id',
    { config: NOC, schema: patchSchema },
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
    { config: NOC, schema: deleteSchema },
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
