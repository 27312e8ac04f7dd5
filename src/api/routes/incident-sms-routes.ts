import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { IncidentStore } from '../../diagnosis/incident-store.js';
import { AppError } from '../../shared/app-error.js';
import { incidentSmsSummary, type IncidentSmsSummary, type SmsStore } from '../../sms/index.js';
import { problemResponses } from '../problem-responses.js';
import { documents, IsoTime } from '../schemas/api-schema.js';
import { ComposedIdParams as idParams } from '../schemas/id-params.js';

export interface IncidentSmsRoutesOptions {
  incidents: IncidentStore;
  sms: SmsStore;
}

const Counts = Type.Object(
  {
    queued: Type.Integer({ description: 'waiting for their time (quiet hours) or a send slot' }),
    sent: Type.Integer({ description: 'accepted by the SMS centre' }),
    delivered: Type.Integer({ description: "of the sent, those whose every part's receipt says DELIVRD" }),
    dropped: Type.Integer({ description: 'never sent: the outage ended first' }),
    failed: Type.Integer({ description: 'refused by the SMS centre' }),
    unconfirmed: Type.Integer({
      description: 'a worker died between the claim and the answer; never resent',
    }),
  },
  { additionalProperties: false },
);

const SummarySchema = documents<IncidentSmsSummary>()(
  Type.Object(
    {
      incidentId: Type.String({ examples: ['outage:bs-0002'] }),
      total: Type.Integer({ description: 'SMS records of the incident, every kind and state' }),
      kinds: Type.Object(
        {
          outage: { ...Counts, description: 'the outage notices, one per subscriber told' },
          eta: { ...Counts, description: 'the ETA updates (at most one per subscriber)' },
          restored: { ...Counts, description: '"service restored", to those told' },
        },
        { additionalProperties: false },
      ),
      lastSentAt: Type.Optional(IsoTime('the latest SMS the SMS centre accepted')),
    },
    { additionalProperties: false, description: "One incident's outage SMS, counted by kind and state." },
  ),
);

const schema = {
  summary: "An incident's outage SMS: notices, ETA updates and restored, by state, with receipts",
  description:
    'For NOC: how many affected subscribers were told of the incident by SMS (VIGIL_SMPP_URL), how many ' +
    'of those SMS the handsets confirmed (delivery receipts), how many got the ETA update and "service ' +
    'restored", and what was dropped, failed or left unconfirmed. Zero counts when no SMS centre is ' +
    'configured. Kept as long as the resolved incident is.',
  tags: ['incidents'],
  params: idParams,
  response: {
    200: SummarySchema,
    ...problemResponses('/v1/incidents/{id}/sms', [
      ['ERR_INCIDENT_NOT_FOUND', 'no incident "outage:bs-0002"'],
    ]),
  },
};

/** `GET /v1/incidents/{id}/sms`: the outage SMS of one incident, read from its SMS records (src/sms/). */
// eslint-disable-next-line @typescript-eslint/require-await
export const incidentSmsRoutes: FastifyPluginAsync<IncidentSmsRoutesOptions> = async (app, options) => {
  const { incidents, sms } = options;

  app.get<{ Params: { id: string } }>(
    '/v1/incidents/:id/sms',
    { config: { roles: ['noc', 'admin'] }, schema },
    async (request) => {
      const { id } = request.params;
      const [incident, records] = await Promise.all([incidents.get(id), sms.ofIncident(id)]);
      if (!incident && records.length === 0)
        throw new AppError('ERR_INCIDENT_NOT_FOUND', `no incident "${id}"`);
      return incidentSmsSummary(id, records);
    },
  );
};
