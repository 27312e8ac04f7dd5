import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiRole } from '../../config/load-config.js';
import { FINDING_KINDS } from '../../detection/finding.js';
import { DEVICE_KINDS, type DeviceKind, type InventoryStore } from '../../inventory/index.js';
import { MAX_PAGE } from '../../inventory/list-devices.js';
import { describeDeviceState } from '../../polling/describe-device-state.js';
import type { DeviceStatusIndex } from '../../polling/device-status-index.js';
import type { PollerStateStore } from '../../polling/poller-state-store.js';
import { AppError } from '../../shared/app-error.js';
import { listDevicesByStatus, type DevicesByStatusQuery } from '../list-devices-by-status.js';
import { problemResponses } from '../problem-responses.js';
import { Page } from '../schemas/api-schema.js';
import { DeviceSchema, DeviceWithStateSchema } from '../schemas/device-schemas.js';
import { SubscriberSchema } from '../schemas/diagnosis-schemas.js';
import { Id, IdParams } from '../schemas/id-params.js';

export interface InventoryReadRoutesOptions {
  inventory: InventoryStore;
  deviceStatus: DeviceStatusIndex;
  pollerStates: PollerStateStore;
}

// Not object literals at the call site: the auth plugin declares `roles` on FastifyContextConfig.
const READERS: { roles: readonly ApiRole[] } = { roles: ['noc', 'admin'] };

const site = Type.Object(
  { id: Type.String(), name: Type.String() },
  { additionalProperties: true, description: 'A site; extra fields given at import are kept and shown.' },
);

const deviceListSchema = {
  summary: 'Devices in id order, filtered by kind, site or parent, with cursor pagination',
  description:
    'For NOC: inventory records a page at a time (follow `nextCursor`), filtered by kind, site, ' +
    'parent, and by what the pollers see (`status`, `finding`). With a status or finding filter a ' +
    'page may come back short with a `nextCursor`: keep following it.',
  tags: ['inventory'],
  querystring: {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: [...DEVICE_KINDS] },
      site: Id,
      parent: { ...Id, description: 'direct children of this device' },
      status: {
        type: 'string',
        enum: ['unknown', 'up', 'degraded', 'down'],
        description: 'as the pollers last saw it',
      },
      finding: {
        type: 'string',
        enum: [...FINDING_KINDS],
        description: 'devices with an open finding of this kind',
      },
      cursor: { type: 'string', minLength: 1, description: "a previous page's nextCursor" },
      limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: { items: { type: 'array', items: DeviceSchema }, nextCursor: { type: 'string' } },
      required: ['items'],
    },
    ...problemResponses('/v1/devices', [
      ['ERR_INVENTORY_QUERY_INVALID', 'cursor is not one this API returned'],
    ]),
  },
};

const deviceSchema = {
  summary: 'One device, with what the pollers know of it now',
  description:
    'For NOC: the inventory record (extra fields kept) with `state`: status, open findings, the last ' +
    'poll sample and the recent polls (uptime, CPU, memory, temperature, signal, upstream errors).',
  tags: ['inventory'],
  params: IdParams,
  response: {
    200: DeviceWithStateSchema,
    ...problemResponses('/v1/devices/{id}', [
      ['ERR_DEVICE_NOT_FOUND', 'no device "cpe-00042" in the inventory'],
    ]),
  },
};

const subscriberSchema = {
  summary: 'One subscriber',
  description: 'For NOC: the inventory record of a subscriber (extra fields kept), with its device ids.',
  tags: ['inventory'],
  params: IdParams,
  response: {
    200: SubscriberSchema,
    ...problemResponses('/v1/subscribers/{id}', [
      ['ERR_SUBSCRIBER_NOT_FOUND', 'no subscriber "sub-000501" in the inventory'],
    ]),
  },
};

const sitesSchema = {
  summary: 'Every site, in id order',
  description: 'For NOC: every site of the inventory (extra fields kept), in id order.',
  tags: ['inventory'],
  response: { 200: Page(site, 'Every site.') },
};

/** Inventory reads for NOC: devices (a page at a time, or one with the pollers' view of it), subscribers, sites. */
// eslint-disable-next-line @typescript-eslint/require-await
export const inventoryReadRoutes: FastifyPluginAsync<InventoryReadRoutesOptions> = async (app, options) => {
  const { inventory: store } = options;

  app.get<{ Querystring: DevicesByStatusQuery & { kind?: DeviceKind } }>(
    '/v1/devices',
    { config: READERS, schema: deviceListSchema },
    async (request) => {
      const { kind, site, parent, cursor, limit, status, finding } = request.query;
      if (status !== undefined || finding !== undefined) return listDevicesByStatus(options, request.query);
      return store.listDevices({
        ...(kind !== undefined ? { kind } : {}),
        ...(site !== undefined ? { site } : {}),
        ...(parent !== undefined ? { parentId: parent } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/devices/:id',
    { config: READERS, schema: deviceSchema },
    async (request) => {
      const device = await store.getDevice(request.params.id);
      if (!device)
        throw new AppError('ERR_DEVICE_NOT_FOUND', `no device "${request.params.id}" in the inventory`);
      // The inventory record with what the pollers know now: status, findings, the last sample.
      return {
        ...device,
        state: describeDeviceState((await options.pollerStates.load([device.id])).get(device.id)),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/subscribers/:id',
    { config: READERS, schema: subscriberSchema },
    async (request) => {
      const subscriber = await store.getSubscriber(request.params.id);
      if (!subscriber)
        throw new AppError(
          'ERR_SUBSCRIBER_NOT_FOUND',
          `no subscriber "${request.params.id}" in the inventory`,
        );
      return subscriber;
    },
  );

  app.get('/v1/sites', { config: READERS, schema: sitesSchema }, async () => ({
    items: await store.listSites(),
  }));
};
