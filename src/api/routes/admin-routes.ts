import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logger.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { requestReload } from '../../reload/live-files.js';
import { AppError } from '../../shared/app-error.js';
import { Type } from '@sinclair/typebox';
import { problemResponses } from '../problem-responses.js';

export interface AdminRoutesOptions {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  probesDir: string;
  playbooksDir: string;
  /** The probe interval floor the pollers compile with (VIGIL_PROBE_MIN_INTERVAL_SECONDS), so a reload agrees. */
  probeMinIntervalSeconds?: number;
}

/**
 * `POST /v1/admin/reload`: probes and playbooks are compiled here first; a broken file changes nothing
 * (422 listing every error with its file:line); otherwise every process reloads within seconds.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/admin/reload',
    {
      config: { roles: ['admin'] },
      schema: {
        summary:
          'Reload probes/ and playbooks/ in every process, after checking them (nothing changes on an error)',
        description:
          'For admins: compiles probes/ and playbooks/ from disk; any error is a 422 listing every one ' +
          'with its file:line and nothing changes; otherwise every process (API, pollers, workers) reloads ' +
          'within seconds and the answer counts what was loaded.',
        tags: ['admin'],
        response: {
          202: Type.Object({
            generation: Type.Integer({ description: 'bumped by every reload' }),
            probes: Type.Integer(),
            playbooks: Type.Integer(),
            rules: Type.Integer(),
          }),
          ...problemResponses('/v1/admin/reload', [
            ['ERR_RELOAD_INVALID', '1 error(s): the running probes and playbooks stay'],
          ]),
        },
      },
    },
    async (request, reply) => {
      const result = await requestReload(options, options);
      if ('errors' in result)
        throw new AppError(
          'ERR_RELOAD_INVALID',
          `${result.errors.length} error(s): the running probes and playbooks stay`,
          {
            details: {
              errors: result.errors.map((message) => ({ path: message.split(' ')[0] ?? '', message })),
            },
          },
        );
      request.log.info({ ...result }, 'reload requested');
      void reply.code(202);
      return result;
    },
  );
};
