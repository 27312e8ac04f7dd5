import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, RouteOptions } from 'fastify';
import { API_ROLES, type ApiRole } from '../config/load-config.js';
import { AppError } from '../shared/app-error.js';
import { keyIdOf, type ApiKeyVerifier, type Principal } from './api-key-verifier.js';
import { HTTP_CODES } from './problem-catalogue.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a key (health, docs). Never combined with `roles`. */
    public?: boolean;
    /** Roles allowed on this route; a route that names none is admin-only. */
    roles?: readonly ApiRole[];
  }
  interface FastifyRequest {
    /** Set by auth before any handler of a non-public route runs; null on public routes. */
    principal: Principal | null;
  }
}

/** A route that forgets to say who may call it is admin-only: the secure default. */
export const DEFAULT_ROLES: readonly ApiRole[] = ['admin'];

/** RFC 6750 section 3: the scheme and, for a bad token, why. */
const CHALLENGE = 'Bearer realm="vigil"';
const CHALLENGE_INVALID = 'Bearer realm="vigil", error="invalid_token"';

/**
 * Bearer API keys with roles. Access is declared per route (`config: { roles }` or
 * `config: { public: true }`) and checked in onRequest, before the body is read, so an anonymous
 * client cannot make us parse a 64 MiB upload. Roles are not a hierarchy: a route lists every role
 * it admits, so reading the route tells the whole story.
 */
export function registerAuth(
  app: FastifyInstance,
  verifier: ApiKeyVerifier,
  options: {
    /** Called before a 401 (no key, wrong key); may throw instead (429 once the address is over its budget). */
    rejected?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** Called once the key is known, before its role is checked; may throw (429 past the key's budget). */
    identified?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  } = {},
): void {
  const rejected = options.rejected ?? (() => Promise.resolve());
  const identified = options.identified ?? (() => Promise.resolve());
  app.decorateRequest('principal', null);
  app.addHook('onRoute', declareAccess);

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    // Unknown routes answer 404 to everyone: a 401 there would tell no more and confuse more.
    if (config.public === true || request.is404) return;

    const token = bearerToken(request);
    if (token === undefined) {
      await rejected(request, reply);
      void reply.header('www-authenticate', CHALLENGE);
      throw new AppError(
        HTTP_CODES.authMissing,
        'This route needs an API key: send "Authorization: Bearer <token>".',
      );
    }
    const principal = await verifier.verify(token);
    if (!principal) {
      request.log.info({ keyId: keyIdOf(token) }, 'unknown API key');
      await rejected(request, reply);
      void reply.header('www-authenticate', CHALLENGE_INVALID);
      throw new AppError(HTTP_CODES.authInvalid, 'The API key is not known or has been revoked.');
    }
    request.principal = principal;
    await identified(request, reply);
    const roles = config.roles ?? DEFAULT_ROLES;
    if (!roles.includes(principal.role)) {
      throw new AppError(
        HTTP_CODES.authForbidden,
        `This route needs the role ${roles.join(' or ')}; the key ${principal.keyId} has the role ${principal.role}.`,
      );
    }
  });
}

/** `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 section 11.1). */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Checks each route's access declaration when it is registered, so a typo in a role fails at boot,
 * not as a silent 403; and writes the declaration into the route's OpenAPI security.
 */
function declareAccess(route: RouteOptions): void {
  const config = route.config ?? {};
  const where = `${String(route.method)} ${route.url}`;
  if (config.public === true) {
    if (config.roles !== undefined) throw new Error(`route ${where}: a public route takes no roles`);
    route.schema = { ...route.schema, security: [] };
    return;
  }
  const roles = config.roles ?? DEFAULT_ROLES;
  if (roles.length === 0) throw new Error(`route ${where}: roles is empty; omit it for admin-only`);
  const unknown = roles.filter((role) => !API_ROLES.includes(role));
  if (unknown.length > 0)
    throw new Error(`route ${where}: unknown roles ${unknown.join(', ')}; one of ${API_ROLES.join(', ')}`);
  route.config = { ...config, roles };
  // `x-roles` is an OpenAPI extension @fastify/swagger copies into the operation.
  const schema: FastifySchema & Record<string, unknown> = {
    ...route.schema,
    security: [{ bearerAuth: [] }],
    'x-roles': [...roles],
  };
  route.schema = schema;
}
