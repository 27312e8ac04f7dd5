import type { FastifyPluginAsync } from 'fastify';
import { API_ROLES, type ApiRole } from '../../config/load-config.js';
import { Secret } from '../../shared/secret.js';
import type { StoredApiKey, StoredApiKeys } from '../stored-api-keys.js';
import { problemResponses } from '../problem-responses.js';
import { IdParams } from '../schemas/id-params.js';

export interface KeyRoutesOptions {
  apiKeys: StoredApiKeys;
}

const ADMIN = { roles: ['admin'] } as const;
const keySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    keyId: { type: 'string' },
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
    revokedAt: { type: 'string' },
  },
} as const;

const createSchema = {
  summary: 'Register an API key with a role; the token (≥ 32 characters) is stored only as its SHA-256',
  description:
    'For admins: registers a key you generated (e.g. `openssl rand -base64 32`) with a role; Vigil ' +
    'keeps only its SHA-256 and shows its key id (the first 8 hex digits), never the token.',
  tags: ['keys'],
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['role', 'name', 'token'],
    properties: {
      role: { type: 'string', enum: [...API_ROLES] },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      token: { type: 'string', minLength: 32, maxLength: 512, pattern: '^\\S+$' },
    },
  },
  response: {
    201: keySchema,
    ...problemResponses('/v1/keys', [['ERR_KEY_CONFLICT', 'this token is already in use; generate another']]),
  },
};

const listSchema = {
  summary: 'API keys issued through the API (bootstrap keys from VIGIL_API_KEYS are not listed)',
  description: 'For admins: keys registered through the API, revoked ones included, without secrets.',
  tags: ['keys'],
  response: { 200: { type: 'object', properties: { items: { type: 'array', items: keySchema } } } },
};

const revokeSchema = {
  summary: 'Revoke a key',
  description: 'For admins: revokes a key; it is refused from its next request on.',
  tags: ['keys'],
  params: IdParams,
  response: {
    200: keySchema,
    ...problemResponses('/v1/keys/{id}', [['ERR_KEY_NOT_FOUND', 'no API key "k-5f1c9a2e"']]),
  },
};

/**
 * API key management (admin). The caller brings the token (e.g. `openssl rand -base64 32`) and Vigil
 * keeps only its SHA-256, so no response ever carries a secret; revoking takes effect on the next request.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const keyRoutes: FastifyPluginAsync<KeyRoutesOptions> = async (app, options) => {
  const stored = options.apiKeys;
  const view = (k: StoredApiKey) => ({
    ...k,
    createdAt: new Date(k.createdAt).toISOString(),
    ...(k.revokedAt !== undefined ? { revokedAt: new Date(k.revokedAt).toISOString() } : {}),
  });

  app.post<{ Body: { role: ApiRole; name: string; token: string } }>(
    '/v1/keys',
    { config: ADMIN, schema: createSchema },
    async (request, reply) => {
      const by = request.principal ? `${request.principal.role}:${request.principal.keyId}` : 'admin';
      const created = await stored.create(
        { ...request.body, token: new Secret(request.body.token), createdBy: by },
        Date.now(),
      );
      void reply.code(201);
      return view(created);
    },
  );

  app.get('/v1/keys', { config: ADMIN, schema: listSchema }, async () => ({
    items: (await stored.list()).map(view),
  }));

  app.delete<{ Params: { id: string } }>(
    '/v1/keys/:id',
    { config: ADMIN, schema: revokeSchema },
    async (request) => view(await stored.revoke(request.params.id, Date.now())),
  );
};
