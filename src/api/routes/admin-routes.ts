import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logger.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { requestReload } from '../../reload/live-files.js';
import { AppError } from '../../shared/app-error.js';

export interface AdminRoutesOptions {
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  probesDir: string;
  playbooksDir: string;
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
        tags: ['admin'],
        response: { 202: { type: 'object', additionalProperties: true }, 422: { $ref: 'Problem#' } },
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
