import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { FINDING_KINDS, type Finding } from '../../detection/index.js';
import type { SuggestionStore } from '../../diagnosis/suggestion-store.js';
import { SUGGESTION_STATES, type SuggestionRecord } from '../../diagnosis/suggestion-record.js';
import { publicSuggestion } from '../../diagnosis/suggestion-record.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { SUGGESTION_KINDS } from '../../playbooks/index.js';
import type { DeviceStatusIndex } from '../../polling/device-status-index.js';
import type { PollerStateStore } from '../../polling/poller-state-store.js';
import { Type } from '@sinclair/typebox';
import { FindingSchema } from '../schemas/device-schemas.js';
import { Id } from '../schemas/id-params.js';
import { SuggestionSchema } from '../schemas/suggestion-schemas.js';

/** A suggestion as stored: its text in every language (a conversation shows one, see SuggestionSchema). */
const FleetSuggestionSchema = Type.Object(
  {
    ...SuggestionSchema.properties,
    text: Type.Record(Type.String(), Type.String(), { description: 'by language: ru, en' }),
    language: Type.Optional(Type.String()),
  },
  { additionalProperties: true, description: 'A suggestion across the fleet, in every language.' },
);

export interface FindingRoutesOptions {
  /** For the fleet-wide scan of suggestion records (HSCAN), which no store method pages yet. */
  redis: Redis;
  keys: RedisKeys;
  deviceStatus: DeviceStatusIndex;
  pollerStates: PollerStateStore;
  suggestions: SuggestionStore;
}

const NOC = { roles: ['noc', 'admin'] } as const;

const findingsSchema = {
  summary: 'Open findings of one kind across the fleet, by device id, with cursor pagination',
  description:
    'For NOC: every open finding of one kind (optionally one severity) across the fleet, a page of ' +
    'devices at a time in device id order; follow `nextCursor` (a page may hold fewer items).',
  tags: ['findings'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['kind'],
    properties: {
      kind: { type: 'string', enum: [...FINDING_KINDS] },
      severity: { type: 'string', enum: ['info', 'minor', 'major', 'critical'] },
      cursor: { type: 'string', minLength: 1 },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: { items: { type: 'array', items: FindingSchema }, nextCursor: { type: 'string' } },
    },
  },
};

const suggestionsSchema = {
  summary: 'Suggestions across the fleet (live by default, or in one state), a page at a time',
  description:
    'For NOC: suggestions across the fleet, live ones by default (proposed, accepted, executing, ' +
    'dismissed) or those in one state, optionally of one kind or one device; follow `nextCursor`. ' +
    'Texts in both languages, without the history (its last change is `lastChange`).',
  tags: ['findings'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      state: { type: 'string', enum: ['live', ...SUGGESTION_STATES], default: 'live' },
      kind: { type: 'string', enum: [...SUGGESTION_KINDS] },
      deviceId: Id,
      cursor: { type: 'string', pattern: '^\\d+$' },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        items: { type: 'array', items: FleetSuggestionSchema },
        nextCursor: { type: 'string' },
      },
    },
  },
};

/**
 * NOC lists across the fleet: open findings of a kind (from the pollers' finding index, a page of
 * devices at a time) and suggestions (live or in any state, a page of the suggestion records at a time).
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const findingRoutes: FastifyPluginAsync<FindingRoutesOptions> = async (app, options) => {
  const { redis, keys, deviceStatus: index, pollerStates: states, suggestions } = options;

  app.get<{ Querystring: { kind: string; severity?: string; cursor?: string; limit?: number } }>(
    '/v1/findings',
    { config: NOC, schema: findingsSchema },
    async (request) => {
      const { kind, severity, cursor, limit } = request.query;
      const page = await index.page({ finding: kind }, cursor, limit ?? 100);
      const loaded = await states.load(page.ids);
      const items: Finding[] = page.ids.flatMap((id) =>
        Object.values(loaded.get(id)?.detection.findings ?? {}).filter(
          (f) => f.kind === kind && (severity === undefined || f.severity === severity),
        ),
      );
      return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
  );

  app.get<{
    Querystring: { state?: string; kind?: string; deviceId?: string; cursor?: string; limit?: number };
  }>('/v1/suggestions', { config: NOC, schema: suggestionsSchema }, async (request) => {
    const { state = 'live', kind, deviceId, limit = 100 } = request.query;
    const keep = (r: SuggestionRecord): boolean =>
      (state === 'live'
        ? ['proposed', 'accepted', 'executing', 'dismissed'].includes(r.state)
        : r.state === state) &&
      (kind === undefined || r.kind === kind);
    if (deviceId !== undefined) {
      const live = (await suggestions.liveFor([deviceId])).get(deviceId) ?? [];
      return { items: live.filter(keep).map(publicSuggestion) };
    }
    // HSCAN pages through the records without blocking Redis; a page may hold fewer than `limit`.
    const items: SuggestionRecord[] = [];
    let cursor = request.query.cursor ?? '0';
    do {
      const [next, flat] = await redis.hscan(keys.suggestionRecords(), cursor, 'COUNT', 500);
      cursor = next;
      for (let i = 1; i < flat.length; i += 2) {
        const record = JSON.parse(flat[i] as string) as SuggestionRecord;
        if (keep(record)) items.push(record);
      }
    } while (cursor !== '0' && items.length < limit);
    return { items: items.map(publicSuggestion), ...(cursor !== '0' ? { nextCursor: cursor } : {}) };
  });
};
