import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Conversation } from '../conversations/conversation.js';
import { findSubscriber, type SubscriberLookup } from '../conversations/find-subscriber.js';
import type { InventoryStore } from '../inventory/index.js';
import { AppError } from '../shared/app-error.js';

/** What an embed token may reach: one subscriber's conversations (or one of them), and their history. */
export interface EmbedScope {
  /** The token's public id: what revocation, logs and audit name (never the token). */
  tokenId: string;
  subscriberId: string;
  /** When set, only this conversation; otherwise any conversation of the subscriber. */
  conversationId?: string;
  /** When set, conversations are opened only in this agent's name. */
  agentId?: string;
}

/**
 * Every route an embed token is accepted by, as `METHOD pattern`; any other answers 403, whatever its
 * roles. Listed here, in one place, so that a route added later is closed to embed tokens until someone
 * decides otherwise.
 */
export const EMBED_ROUTES: ReadonlySet<string> = new Set([
  'POST /v1/conversations',
  'GET /v1/conversations/:id',
  'DELETE /v1/conversations/:id',
  'GET /v1/conversations/:id/events',
  'GET /v1/conversations/:id/ws',
  'POST /v1/conversations/:id/suggestions/:sid/accept',
  'POST /v1/conversations/:id/suggestions/:sid/dismiss',
  'GET /v1/subscribers/:id/history',
]);

export interface EmbedScopeDeps {
  inventory: InventoryStore;
  /** A conversation's record, read without touching it. */
  conversationOf(id: string): Promise<Conversation | undefined>;
  /** Whether the token is still live (not expired, not revoked): asked while its stream runs. */
  tokenLive(tokenId: string): Promise<boolean>;
  /** How often an embed token's open stream checks it (default 5 s). */
  streamCheckMs?: number;
}

/** The routes that stream: auth is checked once at their start, so their token is checked again while open. */
const STREAM_ROUTES = new Set(['GET /v1/conversations/:id/events', 'GET /v1/conversations/:id/ws']);

/** One refusal for every case, so a token cannot learn whether another subscriber or conversation exists. */
const outOfScope = (scope: EmbedScope) =>
  new AppError(
    'ERR_EMBED_FORBIDDEN',
    `embed token ${scope.tokenId} is accepted only by the conversation routes of its own subscriber`,
  );

/**
 * Confines embed tokens (principals with `embed`) to their scope: the route is checked as soon as the
 * token is known (before the body is read), the subscriber and conversation once params and body are
 * parsed. Registered after auth; API keys pass untouched.
 */
export function registerEmbedScope(app: FastifyInstance, deps: EmbedScopeDeps): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const scope = request.principal?.embed;
    done(scope && !EMBED_ROUTES.has(routeOf(request)) ? outOfScope(scope) : undefined);
  });
  app.addHook('preHandler', async (request) => {
    const scope = request.principal?.embed;
    if (!scope) return;
    if (!(await withinScope(request, scope, deps))) throw outOfScope(scope);
    if (STREAM_ROUTES.has(routeOf(request))) endWithToken(request, scope, deps);
  });
}

/**
 * Ends an embed token's stream once the token expires or is revoked (within `streamCheckMs`): the panel
 * reconnects, meets the 401, and tells its host, which may mint a token for the same conversation.
 */
function endWithToken(request: FastifyRequest, scope: EmbedScope, deps: EmbedScopeDeps): void {
  const socket = request.raw.socket;
  const check = async () => {
    const live = await deps.tokenLive(scope.tokenId).catch(() => true);
    if (!live) socket.destroy();
  };
  const timer = setInterval(() => void check(), deps.streamCheckMs ?? 5000);
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}

function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? ''}`;
}

async function withinScope(request: FastifyRequest, scope: EmbedScope, deps: EmbedScopeDeps) {
  const route = routeOf(request);
  const params = request.params as { id?: string };
  if (route === 'GET /v1/subscribers/:id/history') return params.id === scope.subscriberId;
  if (route === 'POST /v1/conversations') return opensWithinScope(request.body, scope, deps);
  if (params.id === undefined) return false;
  if (scope.conversationId !== undefined && params.id !== scope.conversationId) return false;
  const conversation = await deps.conversationOf(params.id);
  return conversation?.subscriberId === scope.subscriberId;
}

/** An open names the token's subscriber (by id, account or phone) and, when the token names one, its agent. */
async function opensWithinScope(body: unknown, scope: EmbedScope, deps: EmbedScopeDeps) {
  // A token for one conversation follows it; it does not open others.
  if (scope.conversationId !== undefined) return false;
  const open = body as SubscriberLookup & { agentId?: string };
  if (scope.agentId !== undefined && open.agentId !== scope.agentId) return false;
  const lookup: SubscriberLookup = {
    ...(open.subscriberId !== undefined ? { subscriberId: open.subscriberId } : {}),
    ...(open.account !== undefined ? { account: open.account } : {}),
    ...(open.phone !== undefined ? { phone: open.phone } : {}),
  };
  const subscriber = await findSubscriber(deps.inventory, lookup).catch(() => undefined);
  return subscriber?.id === scope.subscriberId;
}
