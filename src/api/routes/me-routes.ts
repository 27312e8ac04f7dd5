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
        description:
          "For any key: the caller's role and key id (the first 8 hex digits of the token's SHA-256), so " +
          'a console shows the views the role may use without probing for 403s.',
        tags: ['keys'],
        response: {
          200: {
            type: 'object',
            required: ['role', 'keyId'],
            properties: {
              role: { type: 'string', enum: [...API_ROLES] },
              keyId: { type: 'string', examples: ['5f1c9a2e'] },
            },
          },
        },
      },
    },
    (request, reply) => {
      void reply.send({ role: request.principal?.role, keyId: request.principal?.keyId });
    },
  );
};
