import type { FastifyPluginAsync } from 'fastify';
import { acknowledge, setEtaNote, type EtaNotePatch } from '../../correlation/index.js';
import type { IncidentStore } from '../../diagnosis/incident-store.js';
import { AppError } from '../../shared/app-error.js';
import { problemResponses } from '../problem-responses.js';
import { Page } from '../schemas/api-schema.js';
import { ComposedIdParams as idParams } from '../schemas/id-params.js';
import { IncidentSchema } from '../schemas/incident-schema.js';

export interface IncidentRoutesOptions {
  incidents: IncidentStore;
}

const NOC = { roles: ['noc', 'admin'] } as const;
const notFound = (path: string) =>
  problemResponses(path, [['ERR_INCIDENT_NOT_FOUND', 'no incident outage:bs-0002']]);
const resolved = (path: string) => ({
  ...notFound(path),
  ...problemResponses(path, [
    ['ERR_INCIDENT_CONFLICT', 'incident outage:bs-0002 is resolved; it can no longer be edited'],
    ['ERR_INCIDENT_LOCKED', 'incidents are being updated; try again in a moment'],
  ]),
});

const listSchema = {
  summary: 'Pending and open incidents, newest first; with state=all, recently resolved ones too',
  description:
    'For NOC: incidents that are pending (settling) or open, newest first, each with its affected ' +
    'devices and subscribers, ETA and note; `state=all` adds those resolved recently.',
  tags: ['incidents'],
  querystring: {
    type: 'object',
    properties: {
      state: { type: 'string', enum: ['active', 'all'], default: 'active' },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    },
  },
  response: { 200: Page(IncidentSchema, 'Incidents, newest first.') },
};

const getSchema = {
  summary: 'One incident',
  description:
    'For NOC: one incident by id (`outage:<rootDeviceId>`, also for planned works): kind, cause, ' +
    'state, every affected device and subscriber, ETA, note and who acknowledged it.',
  tags: ['incidents'],
  params: idParams,
  response: { 200: IncidentSchema, ...notFound('/v1/incidents/{id}') },
};

const ackSchema = {
  summary: 'Acknowledge an incident: NOC owns it (the caller key is recorded)',
  description:
    "For NOC: takes ownership of an incident; the caller's role and key id are recorded and the " +
    'change is announced as `incident.updated` on the streams and webhooks. A resolved incident is 409.',
  tags: ['incidents'],
  params: idParams,
  response: { 200: IncidentSchema, ...resolved('/v1/incidents/{id}/ack') },
};

const patchSchema = {
  summary: 'Set or clear the ETA (ISO 8601) and the note agents read to subscribers',
  description:
    "The note is NOC's words as typed, in any language: every outage notice quotes it, marked as NOC's " +
    '("NOC note: …", «Примечание NOC: …»), in the notice\'s own language around it. Null clears a field.',
  tags: ['incidents'],
  params: idParams,
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      eta: { type: ['string', 'null'], format: 'date-time' },
      note: {
        type: ['string', 'null'],
        maxLength: 2000,
        description: 'quoted as typed in every notice, marked as the NOC’s words',
      },
    },
  },
  response: { 200: IncidentSchema, ...resolved('/v1/incidents/{id}') },
};

/**
 * Incidents for NOC: the live list, one incident, ack (take ownership) and ETA/note. Edits go through
 * the incident lock, so the advisor's next step keeps them; each edit of an open incident is announced
 * as incident.updated.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const incidentRoutes: FastifyPluginAsync<IncidentRoutesOptions> = async (app, options) => {
  const { incidents } = options;

  app.get<{ Querystring: { state?: 'active' | 'all'; limit?: number } }>(
    '/v1/incidents',
    { config: NOC, schema: listSchema },
    async (request) => ({
      items: await incidents.list({
        includeResolved: request.query.state === 'all',
        limit: request.query.limit ?? 100,
      }),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/incidents/:id',
    { config: NOC, schema: getSchema },
    async (request) => {
      const incident = await incidents.get(request.params.id);
      if (!incident) throw new AppError('ERR_INCIDENT_NOT_FOUND', `no incident "${request.params.id}"`);
      return incident;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/incidents/:id/ack',
    { config: NOC, schema: ackSchema },
    async (request) => {
      const by = request.principal ? `${request.principal.role}:${request.principal.keyId}` : 'unknown';
      return incidents.edit(request.params.id, (incident) => acknowledge(incident, by, Date.now()));
    },
  );

  app.patch<{ Params: { id: string }; Body: EtaNotePatch }>(
    '/v1/incidents/:id',
    { config: NOC, schema: patchSchema },
    async (request) => {
      const patch: EtaNotePatch = { ...request.body };
      if (typeof patch.eta === 'string') patch.eta = new Date(patch.eta).toISOString();
      return incidents.edit(request.params.id, (incident) => setEtaNote(incident, patch, Date.now()));
    },
  );
};
