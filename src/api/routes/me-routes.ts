import type { FastifyPluginAsync } from 'fastify';
import { API_ROLES } from '../../config/load-config.js';

/** `GET /v1/me`: which role the caller's key has, so a console shows the right view without probing. */
// eslint-disable-next-line @typescript-eslint/require-await
export const meRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/v1/me',
    {
      config: { roles: API_ROLES },
      schema: {
        summary: "The caller's role and key id (never the key)",
        tags: ['keys'],
        response: {
          200: { type: 'object', properties: { role: { type: 'string' }, keyId: { type: 'string' } } },
        },
      },
    },
    (request, reply) => {
      void reply.send({ role: request.principal?.role, keyId: request.principal?.keyId });
    },
  );
};
