import type { FastifyPluginAsync } from 'fastify';
import { pickLanguage, type DiagnosisService } from '../../diagnosis/diagnosis-service.js';
import { LANGUAGES } from '../../playbooks/index.js';
import { problemResponses } from '../problem-responses.js';
import { DeviceDiagnosisSchema, SubscriberDiagnosisSchema } from '../schemas/diagnosis-schemas.js';
import { IdParams as idParams } from '../schemas/id-params.js';

export interface DiagnosisRoutesOptions {
  /** Under the live playbooks: the explanation runs the same rules as the advisor. */
  diagnosis: DiagnosisService;
}
const languageQuery = {
  type: 'object',
  properties: {
    lang: { type: 'string', enum: [...LANGUAGES], description: 'overrides Accept-Language' },
  },
} as const;

/**
 * What is wrong and what to do, for NOC and for debugging the playbooks: the stored picture (findings,
 * incidents, live suggestions) with a fresh explain of every rule and guard. Agents get the same
 * picture through their conversations.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const diagnosisRoutes: FastifyPluginAsync<DiagnosisRoutesOptions> = async (app, options) => {
  const { diagnosis } = options;

  app.get<{ Params: { id: string }; Querystring: { lang?: 'ru' | 'en' } }>(
    '/v1/subscribers/:id/diagnosis',
    {
      config: { roles: ['noc', 'admin'] },
      schema: {
        summary: "A subscriber's devices, findings, incidents, suggestions and the explanation of each",
        description:
          "For NOC and playbook authors: the subscriber's devices with their state and findings (each " +
          'marked `inhibited` when an incident mutes it), the incidents that cover them, the live ' +
          'suggestions, and per device `explain`: every playbook rule and guard tried, with its numbers. ' +
          'Read from stored state; suggestion texts in `?lang=`, else `Accept-Language`.',
        tags: ['diagnosis'],
        params: idParams,
        querystring: languageQuery,
        response: {
          200: SubscriberDiagnosisSchema,
          ...problemResponses('/v1/subscribers/{id}/diagnosis', [
            ['ERR_SUBSCRIBER_NOT_FOUND', 'no subscriber "sub-000501" in the inventory'],
          ]),
        },
      },
    },
    async (request) =>
      diagnosis.subscriber(
        request.params.id,
        request.query.lang ?? pickLanguage(request.headers['accept-language']),
      ),
  );

  app.get<{ Params: { id: string }; Querystring: { lang?: 'ru' | 'en' } }>(
    '/v1/devices/:id/diagnosis',
    {
      config: { roles: ['noc', 'admin'] },
      schema: {
        summary: "One device's findings, covering incidents, suggestions and the explanation",
        description:
          'For NOC: the same picture for one device: its state, findings (with `inhibited`), covering ' +
          'incidents, live suggestions and the `explain` trace of its playbook.',
        tags: ['diagnosis'],
        params: idParams,
        querystring: languageQuery,
        response: {
          200: DeviceDiagnosisSchema,
          ...problemResponses('/v1/devices/{id}/diagnosis', [
            ['ERR_DEVICE_NOT_FOUND', 'no device "cpe-00042" in the inventory'],
          ]),
        },
      },
    },
    async (request) =>
      diagnosis.device(
        request.params.id,
        request.query.lang ?? pickLanguage(request.headers['accept-language']),
      ),
  );
};
