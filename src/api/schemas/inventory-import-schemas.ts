/**
 * The documented shape of `PUT /v1/inventory`: what it takes (JSON, NDJSON, CSV) and what it answers.
 */
import { problemResponses } from '../problem-responses.js';

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
const entityCounts = {
  type: 'object',
  properties: {
    created: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    removed: { type: 'integer' },
  },
} as const;

/** The route's schema: body by media type, the answer, and every refusal. */
export const importSchema = {
  summary: 'Replace the whole inventory (sites, devices, subscribers); idempotent',
  description:
    'For admins: replaces the whole inventory with the body (JSON, NDJSON or CSV, up to 64 MiB) in ' +
    'one switch, and answers what changed; sending the same inventory again changes nothing. Every ' +
    'bad row is listed with its location in one 422 and nothing is stored; another import running ' +
    'is 409. Removed devices lose their state.',
  tags: ['inventory'],
  headers: {
    type: 'object',
    properties: {
      'if-match': {
        type: 'string',
        description:
          'import only if the inventory still has this ETag (from GET/HEAD /v1/inventory or an earlier write), so changes made meanwhile are not overwritten: else 412, nothing stored',
      },
      'if-none-match': {
        type: 'string',
        description: 'import only if the inventory does not have this ETag: else 412, nothing stored',
      },
    },
  },
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
      description: 'what the import changed',
      headers: { ETag: { type: 'string', description: "the inventory's ETag after the import" } },
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
      [
        'ERR_INVENTORY_PRECONDITION_FAILED',
        'the inventory\'s ETag is now "kq3S0Qx1bW9vZ2lYcQ", not the one If-Match names; nothing was changed',
      ],
    ]),
  },
};
