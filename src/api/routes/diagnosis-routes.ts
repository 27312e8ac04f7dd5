import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { createDiagnosisService, pickLanguage } from '../../diagnosis/diagnosis-service.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { livePlaybooks } from '../../reload/live-files.js';
import type { Logger } from '../../platform/logger.js';
import { LANGUAGES } from '../../playbooks/index.js';

export interface DiagnosisRoutesOptions {
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
  pollShards: number;
  /** Compiled at registration: the explanation runs the same rules as the advisor. */
  playbooksDir: string;
  holdUnreachableMs: number;
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['id'],
} as const;
const languageQuery = {
  type: 'object',
  properties: {
    lang: { type: 'string', enum: [...LANGUAGES], description: 'overrides Accept-Language' },
  },
} as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const problem = { $ref: 'Problem#' } as const;

/**
 * What is wrong and what to do, for NOC and for debugging the playbooks: the stored picture (findings,
 * incidents, live suggestions) with a fresh explain of every rule and guard. Agents get the same
 * picture through their conversations.
 */
export const diagnosisRoutes: FastifyPluginAsync<DiagnosisRoutesOptions> = async (app, options) => {
  const diagnosis = createDiagnosisService({
    ...options,
    playbooks: await livePlaybooks(
      { redis: options.redis, keys: options.keys, logger: options.logger },
      options.playbooksDir,
    ),
  });

  app.get<{ Params: { id: string }; Querystring: { lang?: 'ru' | 'en' } }>(
    '/v1/subscribers/:id/diagnosis',
    {
      config: { roles: ['noc', 'admin'] },
      schema: {
        summary: "A subscriber's devices, findings, incidents, suggestions and the explanation of each",
        tags: ['diagnosis'],
        params: idParams,
        querystring: languageQuery,
        response: { 200: anyObject, 404: problem },
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
        tags: ['diagnosis'],
        params: idParams,
        querystring: languageQuery,
        response: { 200: anyObject, 404: problem },
      },
    },
    async (request) =>
      diagnosis.device(
        request.params.id,
        request.query.lang ?? pickLanguage(request.headers['accept-language']),
      ),
  );
};
