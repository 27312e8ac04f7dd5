import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { PROBLEM_SCHEMA } from './problem.js';

export const DOCS_PREFIX = '/docs';

/** The version of this HTTP contract (the /v1 surface), shown in the document. */
const API_VERSION = '0.1.0';

/**
 * The OpenAPI 3.1 document at /docs/json and its UI at /docs, built from the routes' own schemas so
 * they cannot drift. Registered before any route: @fastify/swagger collects routes in an onRoute hook.
 * Bearer auth is the document-wide default; public routes say `security: []` (set by auth.ts).
 */
export function registerOpenApi(app: FastifyInstance): void {
  app.addSchema(PROBLEM_SCHEMA);

  // The docs are public so a console developer can read the contract before holding a key; they
  // describe the API and hold no data. Marked here, before auth checks access declarations.
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) {
      route.config = { ...route.config, public: true };
    }
  });

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil',
        version: API_VERSION,
        description:
          'Network-aware proactive diagnostics for an operator support desk. Every error is an RFC 9457 ' +
          'problem (application/problem+json) with a stable `code`. Authenticate with ' +
          '`Authorization: Bearer <API key>`; each operation lists the roles it admits in `x-roles`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key with the role agent, noc or admin.',
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    // Shared schemas keep their $id as their name in components.schemas ("Problem", not "def-0").
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  });

  void app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    validatorUrl: false,
    staticCSP: true,
    // Served over plain HTTP inside the operator's network: upgrading the UI's own assets to https breaks it.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
  });
}
