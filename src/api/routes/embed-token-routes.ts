import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ActionStore } from '../../actions/action-store.js';
import { EMBED_TOKEN_MAX_TTL_SECONDS } from '../../config/embed-env.js';
import type { Conversation } from '../../conversations/conversation.js';
import { findSubscriber } from '../../conversations/find-subscriber.js';
import type { InventoryStore } from '../../inventory/index.js';
import { AppError } from '../../shared/app-error.js';
import type { EmbedTokenStore } from '../embed-token-store.js';
import { problemResponses } from '../problem-responses.js';
import { Id, IdParams } from '../schemas/id-params.js';

export interface EmbedTokenRoutesOptions {
  tokens: EmbedTokenStore;
  inventory: InventoryStore;
  actions: Pick<ActionStore, 'audit'>;
  conversationOf(id: string): Promise<Conversation | undefined>;
  /** VIGIL_EMBED_TOKEN_TTL_SECONDS: a token's life when the request names none. */
  defaultTtlSeconds: number;
}

interface MintBody {
  subscriberId?: string;
  account?: string;
  phone?: string;
  conversationId?: string;
  agentId?: string;
  ttlSeconds?: number;
}

const tokenView = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'the token id: what revocation, the audit and logs name' },
    token: { type: 'string', description: 'the bearer token for the panel; shown once, never again' },
    subscriberId: { type: 'string' },
    conversationId: { type: 'string' },
    agentId: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

const mintSchema = {
  summary: 'Mint a short-lived token for the embedded agent panel, scoped to one subscriber',
  description:
    "For the contact-centre desktop's backend (agent key): a bearer token the embedded panel " +
    '(`/console/embed/agent`) uses instead of an API key. It names the subscriber by exactly one of ' +
    '`subscriberId`, `account` or `phone`, and optionally one conversation and the agent; it is accepted ' +
    "only by that subscriber's conversation routes (open, read, events, accept, dismiss, close) and " +
    'history, refused everywhere else (403) and after `expiresAt` or revocation (401). Lives ' +
    '`ttlSeconds` (default VIGIL_EMBED_TOKEN_TTL_SECONDS, 600; at most 3600). Audited; never logged.',
  tags: ['conversations'],
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      subscriberId: Id,
      account: { type: 'string', minLength: 1, maxLength: 128 },
      phone: { type: 'string', minLength: 1, maxLength: 32 },
      conversationId: Id,
      agentId: { type: 'string', minLength: 1, maxLength: 128 },
      ttlSeconds: { type: 'integer', minimum: 1, maximum: EMBED_TOKEN_MAX_TTL_SECONDS },
    },
  },
  response: {
    201: tokenView,
    ...problemResponses('/v1/embed-tokens', [
      ['ERR_SUBSCRIBER_NOT_FOUND', 'no subscriber with phone "+79161234567"'],
      ['ERR_SUBSCRIBER_CONFLICT', '2 subscribers share this phone; open by subscriberId'],
      ['ERR_CONVERSATION_INVALID', 'give exactly one of subscriberId, account and phone'],
      ['ERR_CONVERSATION_NOT_FOUND', 'no conversation "c-8f2a" of subscriber sub-000501'],
    ]),
  },
};

const revokeSchema = {
  summary: 'Revoke an embed token',
  description: 'Refused from its next request on (401). Audited.',
  tags: ['conversations'],
  params: IdParams,
  response: {
    204: { type: 'null', description: 'revoked' },
    ...problemResponses('/v1/embed-tokens/{id}', [
      ['ERR_EMBED_TOKEN_NOT_FOUND', 'no live embed token "Xq3v0-2mRk8aTzQe"'],
    ]),
  },
};

const byOf = (request: FastifyRequest) =>
  request.principal ? `${request.principal.role}:${request.principal.keyId}` : 'unknown';

/**
 * Embed tokens: minted by the host's backend with its agent key, handed to the panel by postMessage,
 * confined by embed-scope.ts. The token appears in the mint's answer only: not in the audit, the
 * logs or any later answer.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const embedTokenRoutes: FastifyPluginAsync<EmbedTokenRoutesOptions> = async (app, options) => {
  const { tokens, actions } = options;

  app.post<{ Body: MintBody }>(
    '/v1/embed-tokens',
    { config: { roles: ['agent'] }, schema: mintSchema },
    async (request, reply) => {
      const { conversationId, agentId, ttlSeconds, ...lookup } = request.body;
      const subscriber = await findSubscriber(options.inventory, lookup);
      if (conversationId !== undefined) {
        const conversation = await options.conversationOf(conversationId);
        if (conversation?.subscriberId !== subscriber.id)
          throw new AppError(
            'ERR_CONVERSATION_NOT_FOUND',
            `no conversation "${conversationId}" of subscriber ${subscriber.id}`,
          );
      }
      const ttl = ttlSeconds ?? options.defaultTtlSeconds;
      const by = byOf(request);
      const { token, record } = await tokens.mint({
        subscriberId: subscriber.id,
        ...(conversationId !== undefined ? { conversationId } : {}),
        ...(agentId !== undefined ? { agentId } : {}),
        ttlSeconds: ttl,
        createdBy: by,
      });
      await actions.audit({
        at: record.createdAt,
        what: 'embed_token.issued',
        by,
        subscriberId: subscriber.id,
        detail: `token ${record.tokenId} for ${ttl} s${conversationId ? ` (conversation ${conversationId})` : ''}`,
      });
      void reply.code(201);
      const { digest: _digest, tokenId, createdBy: _createdBy, ...shown } = record;
      return { id: tokenId, token, ...shown };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/embed-tokens/:id',
    { config: { roles: ['agent', 'admin'] }, schema: revokeSchema },
    async (request, reply) => {
      const record = await tokens.revoke(request.params.id);
      await actions.audit({
        at: Date.now(),
        what: 'embed_token.revoked',
        by: byOf(request),
        subscriberId: record.subscriberId,
        detail: `token ${record.tokenId}`,
      });
      void reply.code(204);
    },
  );
};
