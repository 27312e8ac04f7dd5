import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ApiDeps } from './api-deps.js';
import { chainKeyVerifiers, createStaticKeyVerifier } from './api-key-verifier.js';
import { DEFAULT_CALLER_LIMITS, type TrustProxy } from '../config/caller-limits.js';
import { registerAuth } from './auth.js';
import { registerEmbedScope } from './embed-scope.js';
import { registerOperationDocs } from './operation-docs.js';
import { toApiTimes } from '../shared/api-times.js';
import { registerCallerRateLimits } from './caller-rate-limits.js';
import { registerErrorHandling } from './error-handling.js';
import { DEFAULT_LOAD_SHEDDING, loadReadyServerOptions, registerLoadShedding } from './load-shedding.js';
import { DOCS_PREFIX, registerOpenApi } from './openapi.js';
import { createRequestLogGate } from './request-log-gate.js';
import { serializeRequest } from './request-log-serializer.js';
import { genRequestId, registerSecurityHeaders } from './security-headers.js';
import { healthRoutes } from './routes/health-routes.js';
import { registerRoutes } from './routes/index.js';

/** Requests a minute one API key may make on one instance (VIGIL_RATE_LIMIT_PER_MINUTE). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60_000;

/** Every route's default; a bulk upload (PUT /v1/inventory) raises its own with the `bodyLimit` route option. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** For the route that takes a whole inventory (100k devices as JSON is ~30 MiB). */
export const INVENTORY_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The HTTP app as a value: built from its dependencies, not listening, no process concerns (signals,
 * ports, connections). The process (src/cli/serve-command.ts) listens and closes; tests call `inject`.
 * Order matters: error handling and the docs' onRoute hooks come first, then auth, so every route
 * registered after them is checked and documented.
 */
export function buildApp(deps: ApiDeps): FastifyInstance {
  // One logger for the process; requests log through a child with a header-free request serializer.
  // Typed as Fastify's base logger so the app is a plain FastifyInstance that any plugin accepts.
  const loggerInstance: FastifyBaseLogger = deps.logger.child(
    { module: 'api' },
    { serializers: { req: serializeRequest } },
  );
  const limits = { ...DEFAULT_CALLER_LIMITS, ...deps.config.callerLimits };
  const shedding = { ...DEFAULT_LOAD_SHEDDING, ...deps.config.loadShedding };
  const requestLogs = createRequestLogGate();
  const app = Fastify({
    loggerInstance,
    logController: requestLogs.controller,
    // Off by default: X-Forwarded-For is anyone's to send, and per-address limits must not trust it.
    // Behind a proxy, VIGIL_TRUST_PROXY names it, so request.ip (logs, limits) is the real client.
    trustProxy: trustProxyOption(limits.trustProxy),
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    genReqId: genRequestId,
    // Report every invalid field at once, so a console developer fixes a request in one round trip;
    // an unknown field is an error, not silently dropped (a typo in "eta" must not pass as a no-op).
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    // An instance that sheds load compiles its answers' validators now, not in a flood's first second.
    ...loadReadyServerOptions(shedding, deps.compileSerializers ?? false),
  });

  registerErrorHandling(app);
  // A request refused under load ends in an onRequest hook, before its route does any work.
  registerLoadShedding(app, shedding, { redis: deps.redis, keys: deps.keys }, requestLogs);
  registerSecurityHeaders(app, { docsPrefix: DOCS_PREFIX });
  registerOpenApi(app);
  // WebSocket upgrades are routed like any request, so auth and route checks answer them with a problem.
  // At the root and before auth: its hooks then close the socket of every upgrade refused (401, 404).
  // Console clients send nothing on their sockets, hence the small frames.
  void app.register(websocket, { options: { maxPayload: 4 * 1024 }, errorHandler: closeBrokenSocket });
  // Limits run before auth for anonymous callers (per address), at auth for a missing or wrong key
  // (per address, a smaller budget) and once the key is known (per key id): see caller-rate-limits.ts.
  const rateLimits = registerCallerRateLimits(app, {
    anonymousPerMinute: limits.anonymousPerMinute,
    failedAuthPerMinute: limits.failedAuthPerMinute,
    keyPerMinute: deps.config.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    redis: deps.redis,
    keys: deps.keys,
  });
  app.addHook('onRequest', rateLimits.beforeAuth);
  // Bootstrap keys from the environment first, then the keys admins registered (stored hashed).
  registerAuth(
    app,
    deps.apiKeyVerifier ??
      chainKeyVerifiers(
        createStaticKeyVerifier(deps.config.apiKeys),
        deps.services.apiKeys.verifier(),
        deps.services.embedTokens.verifier(),
      ),
    { rejected: rateLimits.authRejected, identified: rateLimits.identified },
  );
  // Embed tokens pass auth as agents; this confines them to their subscriber's conversation routes.
  registerEmbedScope(app, {
    inventory: deps.services.inventory,
    conversationOf: (id) => deps.services.conversationOf(id),
    tokenLive: async (id) => (await deps.services.embedTokens.read(id)) !== undefined,
  });
  registerOperationDocs(app);
  // One time format in every JSON answer: stored epoch milliseconds leave as ISO 8601 (shared/api-times.ts).
  app.addHook('preSerialization', async (_request, _reply, payload) => toApiTimes(payload));

  void app.register(healthRoutes, {
    redis: deps.redis,
    requestConnections: () => deps.services.requestConnections(),
  });
  registerRoutes(app, deps);
  return app;
}

/** A hop count as the function Fastify runs for one (its types leave the number out): trust the nearest `hops`. */
function trustProxyOption(
  trustProxy: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy !== 'number') return trustProxy;
  return (_address, hop) => hop < trustProxy;
}

/** A socket that errs after the upgrade (a client gone without a close frame) is ended, not an error. */
function closeBrokenSocket(error: Error, socket: { terminate(): void }, request: FastifyRequest): void {
  request.log.info({ err: error }, 'websocket failed');
  socket.terminate();
}
