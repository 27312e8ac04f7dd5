import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { PROBLEM_SCHEMA } from './problem.js';

export const DOCS_PREFIX = '/docs';

/**
 * The docs pages' own CSP, in place of the API's `default-src 'none'`: Swagger UI runs its bundled
 * scripts from this origin only, but sets inline `style` attributes as it renders (Chromium refuses those
 * under swagger-ui's default `style-src 'self' https:`), and shows its logo as a data: image. Scripts stay
 * same-origin with no inline code; nothing may frame the page or load from elsewhere.
 */
export const DOCS_CSP =
  "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'; " +
  "script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

/** The operations' groups, in the order data flows, each with what it is for. */
const TAGS = [
  {
    name: 'health',
    description: 'Liveness and readiness for load balancers and orchestrators; no key needed.',
  },
  {
    name: 'inventory',
    description: 'Sites, devices and subscribers: the bulk import (admin) and reads (NOC).',
  },
  { name: 'devices', description: 'On-demand probes and NOC-initiated reboots of one device.' },
  { name: 'diagnosis', description: "What is wrong with a subscriber's or a device's equipment, and why." },
  { name: 'findings', description: 'Open findings and suggestions across the fleet, a page at a time.' },
  {
    name: 'incidents',
    description: 'Correlated trouble (outages) with its lifecycle: list, ack, ETA and note.',
  },
  { name: 'maintenance', description: 'Maintenance windows that turn an outage into planned works.' },
  {
    name: 'conversations',
    description:
      "The agents' console: open a conversation, follow its events, accept or dismiss suggestions.",
  },
  { name: 'actions', description: 'Accepted suggestions carried out once, and the audit trail.' },
  { name: 'alerts', description: 'Outage alerts to webhooks (admin) and their dead letters (NOC).' },
  {
    name: 'reports',
    description: 'How suggestions ended: the effectiveness of each playbook rule and kind.',
  },
  { name: 'admin', description: 'API keys, playbook and probe reload, and who the caller is.' },
  { name: 'metrics', description: 'Prometheus metrics of the fleet and the service.' },
];

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
          '`Authorization: Bearer <API key>`; each operation names the roles it admits in its description ' +
          'and in `x-roles` (roles are not a hierarchy). Every time in answers and events is an ISO 8601 ' +
          'string in UTC (`2026-11-30T08:41:16.000Z`); durations carry their unit in the name (`durationMs`).',
      },
      servers: [{ url: '/', description: 'this Vigil API instance' }],
      tags: TAGS,
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
    // Our own policy, not swagger-ui's default (which also asks for upgrade-insecure-requests: served over
    // plain HTTP inside the operator's network, upgrading the UI's own assets to https breaks it).
    staticCSP: DOCS_CSP,
  });
}
