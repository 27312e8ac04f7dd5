import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallback } from 'fastify';
import type { Redis } from 'ioredis';
import type { ApiRole } from '../../config/load-config.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { AppError } from '../../shared/app-error.js';
import {
  assertValidInventory,
  createInventoryStore,
  DEVICE_KINDS,
  inventoryFromDocument,
  inventoryInvalid,
  missingAuthProfiles,
  parseInventory,
  tooDeepInDocument,
  type Device,
  type DeviceKind,
  type InventoryFormat,
} from '../../inventory/index.js';
import { MAX_PAGE } from '../../inventory/list-devices.js';
import { describeDeviceState } from '../../polling/describe-device-state.js';
import { createPollerStateStore } from '../../polling/poller-state-store.js';
import { DEFAULT_POLL_SHARDS } from '../../polling/poll-schedule.js';
import { createDeviceStatusIndex } from '../../polling/device-status-index.js';
import { FINDING_KINDS } from '../../detection/finding.js';
import { problemResponses } from '../problem-responses.js';
import { Page } from '../schemas/api-schema.js';
import { DeviceSchema, DeviceWithStateSchema } from '../schemas/device-schemas.js';
import { SubscriberSchema } from '../schemas/diagnosis-schemas.js';

export interface InventoryRoutesOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Shards of the poll schedule, to read the pollers' device state (default 64). */
  pollShards?: number;
  /** Largest inventory upload; 100k devices as JSON is ~30 MiB. */
  bodyLimitBytes?: number;
  /** Auth profiles with credentials in this process's environment: an import warns of the others. */
  authProfiles?: { has(name: string): boolean };
  /** Share of stored devices or subscribers an import may remove without ?allowRemovals=true (default 0.1). */
  maxRemovalShare?: number;
}

/** Raw-text inventory formats accepted besides application/json. */
const TEXT_FORMATS: Record<string, InventoryFormat> = {
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'text/csv': 'csv',
};

// Not object literals at the call site: the auth plugin declares `roles` on FastifyContextConfig.
const ADMIN: { roles: readonly ApiRole[] } = { roles: ['admin'] };
const READERS: { roles: readonly ApiRole[] } = { roles: ['noc', 'admin'] };

const recordList = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;
/**
 * The shape only: field and cross-row checks are the inventory validator's, which reports every bad
 * row with its location in one 422. Item properties are left untyped on purpose, since Fastify's Ajv
 * coerces types and would turn a numeric id into a string before the validator could refuse it.
 */
const inventoryBody = {
  type: 'object',
  properties: { sites: recordList, devices: recordList, subscribers: recordList },
} as const;
const site = Type.Object(
  { id: Type.String(), name: Type.String() },
  { additionalProperties: true, description: 'A site; extra fields given at import are kept and shown.' },
);
const entityCounts = {
  type: 'object',
  properties: {
    created: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    removed: { type: 'integer' },
  },
} as const;

/**
 * Inventory import and reads. PUT replaces the whole inventory (JSON, NDJSON or CSV body) and answers
 * what changed; re-sending the same inventory changes nothing. Errors are AppErrors mapped to
 * problem+json by the app's error handler: 422 ERR_INVENTORY_INVALID lists every bad row.
 */
export const inventoryRoutes: FastifyPluginCallback<InventoryRoutesOptions> = (app, options, done) => {
  const store = createInventoryStore({ redis: options.redis, keys: options.keys });
  const statusIndex = createDeviceStatusIndex(options.redis, options.keys);
  const states = createPollerStateStore(
    options.redis,
    options.keys,
    options.pollShards ?? DEFAULT_POLL_SHARDS,
  );
  const bodyLimit = options.bodyLimitBytes ?? 64 * 1024 * 1024;

  app.addContentTypeParser(
    Object.keys(TEXT_FORMATS),
    { parseAs: 'string', bodyLimit },
    (_request, body, parsed) => parsed(null, body),
  );
  // In this plugin's scope only: a JSON inventory is checked for nesting before it is parsed, since
  // parsing a 20 MB run of "[" alone costs seconds and hundreds of MB (see findDeepNesting). Too deep
  // is a 422 naming the rows, like any invalid inventory; the rest is Fastify's own parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const tooDeep = tooDeepInDocument(body as string);
    if (tooDeep.length > 0) done(inventoryInvalid(tooDeep), undefined);
    else void parseJson(request, body as string, done);
  });

  app.put<{ Querystring: { allowRemovals?: boolean } }>(
    '/v1/inventory',
    {
      config: ADMIN,
      bodyLimit,
      schema: {
        summary: 'Replace the whole inventory (sites, devices, subscribers); idempotent',
        description:
          'For admins: replaces the whole inventory with the body (JSON, NDJSON or CSV, up to 64 MiB) in ' +
          'one switch, and answers what changed; sending the same inventory again changes nothing. Every ' +
          'bad row is listed with its location in one 422 and nothing is stored; another import running ' +
          'is 409. Removed devices lose their state.',
        tags: ['inventory'],
        querystring: {
          type: 'object',
          properties: {
            allowRemovals: {
              type: 'boolean',
              default: false,
              description:
                'the import may remove more than the allowed share (VIGIL_IMPORT_MAX_REMOVAL_SHARE, default 10%) of the stored devices or subscribers; without it such an import is refused with 409 ERR_INVENTORY_REMOVALS and its counts',
            },
          },
        },
        body: {
          content: {
            'application/json': { schema: inventoryBody },
            'application/x-ndjson': {
              schema: {
                type: 'string',
                description: 'one object per line with "type": site | device | subscriber',
              },
            },
            'application/ndjson': { schema: { type: 'string' } },
            'text/csv': {
              schema: {
                type: 'string',
                description: 'header row with a "type" column; deviceIds separated by ";" or "|"',
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              changed: { type: 'boolean' },
              rows: {
                type: 'object',
                properties: {
                  sites: { type: 'integer' },
                  devices: { type: 'integer' },
                  subscribers: { type: 'integer' },
                },
              },
              counts: {
                type: 'object',
                properties: { sites: entityCounts, devices: entityCounts, subscribers: entityCounts },
              },
              warnings: {
                type: 'array',
                description:
                  'auth profiles the inventory names that have no VIGIL_SNMP_<PROFILE>_* credentials in the environment: their devices are not polled (outcome no_credentials)',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string', enum: ['auth_profile_missing'] },
                    profile: { type: 'string' },
                    devices: { type: 'integer' },
                    deviceIds: { type: 'array', items: { type: 'string' } },
                    variables: { type: 'array', items: { type: 'string' } },
                    message: { type: 'string' },
                  },
                },
              },
            },
          },
          ...problemResponses('/v1/inventory', [
            ['ERR_INVENTORY_LOCKED', 'another inventory import is running; try again when it has finished'],
            [
              'ERR_INVENTORY_REMOVALS',
              'the import would remove 2,000 of 2,000 devices (100%), more than the 10% allowed; nothing was stored. An import replaces the whole inventory: if the shrink is meant, import again with --allow-removals (HTTP: ?allowRemovals=true)',
            ],
            ['ERR_INVENTORY_INVALID', 'inventory has 2 errors; nothing was stored'],
          ]),
        },
      },
    },
    async (request) => {
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const format = TEXT_FORMATS[mediaType];
      const parsed =
        format !== undefined && typeof request.body === 'string'
          ? parseInventory(request.body, { format })
          : inventoryFromDocument(request.body);
      const inventory = assertValidInventory(parsed);
      const result = await store.importInventory(inventory, {
        allowRemovals: request.query.allowRemovals === true,
        ...(options.maxRemovalShare !== undefined ? { maxRemovalShare: options.maxRemovalShare } : {}),
      });
      request.log.info(
        { module: 'inventory', counts: result.counts, changed: result.changed },
        'inventory imported',
      );
      const rows = {
        sites: inventory.sites.length,
        devices: inventory.devices.length,
        subscribers: inventory.subscribers.length,
      };
      const warnings = options.authProfiles
        ? missingAuthProfiles(inventory.devices, options.authProfiles).map((m) => ({
            code: 'auth_profile_missing',
            ...m,
          }))
        : [];
      return { changed: result.changed, rows, counts: result.counts, warnings };
    },
  );

  app.get<{
    Querystring: {
      kind?: DeviceKind;
      site?: string;
      parent?: string;
      cursor?: string;
      limit?: number;
      status?: string;
      finding?: string;
    };
  }>(
    '/v1/devices',
    {
      config: READERS,
      schema: {
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
            site: { type: 'string', minLength: 1 },
            parent: { type: 'string', minLength: 1, description: 'direct children of this device' },
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
      },
    },
    async (request) => {
      const { kind, site, parent, cursor, limit, status, finding } = request.query;
      if (status !== undefined || finding !== undefined) {
        // The pollers' index gives live ids in order; inventory filters apply within them, reading on
        // until the page is full or 20,000 ids were read (then the page is short and nextCursor goes on).
        const want = limit ?? 100;
        const items: Device[] = [];
        let from = cursor;
        let examined = 0;
        for (;;) {
          const page = await statusIndex.page(
            { ...(status ? { status } : {}), ...(finding ? { finding } : {}) },
            from,
            want,
          );
          const devices = await store.getDevices(page.ids);
          for (const d of devices) {
            if (d === undefined) continue;
            if (kind !== undefined && d.kind !== kind) continue;
            if (site !== undefined && d.site !== site) continue;
            if (parent !== undefined && d.parentId !== parent) continue;
            items.push(d);
            if (items.length === want) {
              const last = d.id === page.ids[page.ids.length - 1];
              return last && !page.nextCursor ? { items } : { items, nextCursor: d.id };
            }
          }
          if (!page.nextCursor) return { items };
          from = page.nextCursor;
          examined += page.ids.length;
          if (examined >= 20_000) return { items, nextCursor: from };
        }
      }
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
    {
      config: READERS,
      schema: {
        summary: 'One device, with what the pollers know of it now',
        description:
          'For NOC: the inventory record (extra fields kept) with `state`: status, open findings, the last ' +
          'poll sample and the recent polls (uptime, CPU, memory, temperature, signal, upstream errors).',
        tags: ['inventory'],
        response: {
          200: DeviceWithStateSchema,
          ...problemResponses('/v1/devices/{id}', [
            ['ERR_DEVICE_NOT_FOUND', 'no device "cpe-00042" in the inventory'],
          ]),
        },
      },
    },
    async (request) => {
      const device = await store.getDevice(request.params.id);
      if (!device)
        throw new AppError('ERR_DEVICE_NOT_FOUND', `no device "${request.params.id}" in the inventory`);
      // The inventory record with what the pollers know now: status, findings, the last sample.
      return { ...device, state: describeDeviceState((await states.load([device.id])).get(device.id)) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/subscribers/:id',
    {
      config: READERS,
      schema: {
        summary: 'One subscriber',
        description:
          'For NOC: the inventory record of a subscriber (extra fields kept), with its device ids.',
        tags: ['inventory'],
        response: {
          200: SubscriberSchema,
          ...problemResponses('/v1/subscribers/{id}', [
            ['ERR_SUBSCRIBER_NOT_FOUND', 'no subscriber "sub-000501" in the inventory'],
          ]),
        },
      },
    },
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

  app.get(
    '/v1/sites',
    {
      config: READERS,
      schema: {
        summary: 'Every site, in id order',
        description: 'For NOC: every site of the inventory (extra fields kept), in id order.',
        tags: ['inventory'],
        response: { 200: Page(site, 'Every site.') },
      },
    },
    async () => ({ items: await store.listSites() }),
  );
  done();
};
