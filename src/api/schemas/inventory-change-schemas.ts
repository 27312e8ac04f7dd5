/**
 * The documented shapes of the incremental inventory routes: one device or subscriber
 * (`PUT/PATCH/DELETE /v1/inventory/{devices|subscribers}/{id}`), a batch (`POST /v1/inventory/changes`)
 * and the inventory's ETag (`GET/HEAD /v1/inventory`).
 */
import { CHANGE_KINDS, CHANGE_OPS, MAX_CHANGES_PER_BATCH } from '../../inventory/index.js';
import { problemResponses, type ProblemCase } from '../problem-responses.js';
import { IdParams } from './id-params.js';

const conditional = {
  type: 'object',
  properties: {
    'if-match': {
      type: 'string',
      description: 'apply only if the inventory still has this ETag (or "*"): else 412, nothing changed',
    },
    'if-none-match': {
      type: 'string',
      description: 'apply only if the inventory does not have this ETag: else 412, nothing changed',
    },
  },
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

const outcome = {
  type: 'object',
  properties: {
    op: { type: 'string', enum: [...CHANGE_OPS] },
    kind: { type: 'string', enum: [...CHANGE_KINDS] },
    id: { type: 'string' },
    result: {
      type: 'string',
      enum: ['created', 'updated', 'unchanged', 'removed', 'absent'],
      description: '`absent`: a delete of a record that was not there (a batch sent again)',
    },
  },
} as const;

/** Left untyped on purpose, as the import's: Ajv would coerce a numeric id before the validator refuses it. */
const record = { type: 'object', additionalProperties: true } as const;

const ETAG_HEADER = {
  ETag: { type: 'string', description: "the inventory's ETag after the change" },
} as const;

const PRECONDITION: ProblemCase = [
  'ERR_INVENTORY_PRECONDITION_FAILED',
  'the inventory\'s ETag is now "kq3S0Qx1bW9vZ2lYcQ", not the one If-Match names; nothing was changed',
];
const LOCKED: ProblemCase = [
  'ERR_INVENTORY_LOCKED',
  'another inventory import is running; try again when it has finished',
];

function oneRecordResponses(kind: 'device' | 'subscriber', path: string, notFound: ProblemCase) {
  return {
    200: {
      description: `the ${kind} as stored now (updated or unchanged)`,
      headers: ETAG_HEADER,
      type: 'object',
      properties: { result: outcome.properties.result, record },
    },
    201: {
      description: `the ${kind} was created`,
      headers: ETAG_HEADER,
      type: 'object',
      properties: { result: outcome.properties.result, record },
    },
    ...problemResponses(path, [
      notFound,
      [
        'ERR_INVENTORY_INVALID',
        kind === 'device'
          ? 'inventory has 1 error; nothing was stored'
          : 'inventory has 1 error; nothing was stored',
      ],
      PRECONDITION,
      LOCKED,
    ]),
  };
}

/** PUT, PATCH and DELETE of one record of `kind`. */
export function recordSchemas(kind: 'device' | 'subscriber') {
  const plural = `${kind}s`;
  const path = `/v1/inventory/${plural}/{id}`;
  const notFound: ProblemCase =
    kind === 'device'
      ? ['ERR_DEVICE_NOT_FOUND', 'no device "cpe-00042" in the inventory']
      : ['ERR_SUBSCRIBER_NOT_FOUND', 'no subscriber "sub-000501" in the inventory'];
  const tags = ['inventory'];
  const checks = `validated like an import's row (every problem in one 422, nothing stored), with its references checked against the stored inventory; the poll schedule and topology follow at once; audited as inventory.${kind}.created|updated|removed.`;
  return {
    put: {
      summary: `Create or replace one ${kind}`,
      description: `For admins: the body is the whole ${kind} (the id may be left out; if given it must be the path's), ${checks}`,
      tags,
      params: IdParams,
      headers: conditional,
      body: record,
      response: oneRecordResponses(kind, path, notFound),
    },
    patch: {
      summary: `Change some fields of one ${kind} (JSON merge patch)`,
      description: `For admins: an RFC 7396 merge patch over the stored ${kind} (\`null\` removes a field; \`"parentId": null\` makes a device a root), ${checks}`,
      tags,
      params: IdParams,
      headers: conditional,
      body: {
        content: {
          'application/merge-patch+json': { schema: record },
          'application/json': { schema: record },
        },
      },
      response: oneRecordResponses(kind, path, notFound),
    },
    delete: {
      summary: `Delete one ${kind}`,
      description:
        kind === 'device'
          ? `For admins: removes the device and its state (status, findings, poll schedule). Refused (422) while a child device or a subscriber still names it: delete or move them first, or in the same batch. Audited.`
          : 'For admins: removes the subscriber. Audited.',
      tags,
      params: IdParams,
      headers: conditional,
      response: {
        204: { description: `the ${kind} is gone`, headers: ETAG_HEADER, type: 'null' },
        ...problemResponses(path, [
          notFound,
          ['ERR_INVENTORY_INVALID', 'inventory has 1 error; nothing was stored'],
          PRECONDITION,
          LOCKED,
        ]),
      },
    },
  };
}

export const changesSchema = {
  summary: 'Apply a batch of device and subscriber changes atomically (NDJSON)',
  description:
    `For admins: one change per line (at most ${MAX_CHANGES_PER_BATCH}), applied in order and all at once, or not at all: ` +
    '`{"op": "upsert", "kind": "device", "record": {...}}`, `{"op": "patch", "kind": "subscriber", "id": "sub-1", "patch": {...}}` ' +
    '(RFC 7396), `{"op": "delete", "kind": "device", "id": "cpe-9"}`. Validated like an import: any bad line rejects the whole batch ' +
    'with a 422 whose `errors` name each line. The poll schedule and topology follow at once; each changed record is audited.',
  tags: ['inventory'],
  headers: conditional,
  body: {
    content: {
      'application/x-ndjson': { schema: { type: 'string', description: 'one change per line' } },
      'application/ndjson': { schema: { type: 'string' } },
    },
  },
  response: {
    200: {
      description: 'what the batch did, per record and per line',
      headers: ETAG_HEADER,
      type: 'object',
      properties: {
        changed: { type: 'boolean', description: 'false when every line left its record as it was' },
        counts: { type: 'object', properties: { devices: entityCounts, subscribers: entityCounts } },
        changes: { type: 'array', items: outcome, description: 'one per line, in order' },
      },
    },
    ...problemResponses('/v1/inventory/changes', [
      ['ERR_INVENTORY_INVALID', 'inventory has 2 errors; nothing was stored'],
      PRECONDITION,
      LOCKED,
    ]),
  },
};

export const inventoryEtagSchema = {
  summary: 'The whole inventory, with its ETag',
  description:
    'For admins: the inventory as `PUT /v1/inventory` takes it (sites, devices, subscribers in id order), with a strong `ETag` ' +
    'of its content (the same for the same records however they were written). With `If-None-Match` naming the current ' +
    'tag the answer is 304 and no body; `HEAD` answers the tag alone. A sync job keeps the tag its last upload answered and ' +
    'skips an upload while it holds, or sends `If-Match` on its PUT so a change made meanwhile is not overwritten (412).',
  tags: ['inventory'],
  headers: { type: 'object', properties: { 'if-none-match': conditional.properties['if-none-match'] } },
  response: {
    200: {
      description: 'the inventory',
      headers: { ETag: { type: 'string' } },
      type: 'object',
      properties: {
        sites: { type: 'array', items: record },
        devices: { type: 'array', items: record },
        subscribers: { type: 'array', items: record },
      },
    },
    304: {
      description: 'unchanged since the ETag named by If-None-Match',
      headers: { ETag: { type: 'string' } },
      type: 'null',
    },
  },
};
