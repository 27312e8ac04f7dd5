import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { createActionQueue } from '../../actions/action-queue.js';
import { createActionStore } from '../../actions/action-store.js';
import { countInto } from '../../platform/fleet-counters.js';
import { registerLocalGauge } from '../../metrics/render-metrics.js';
import { createOutcomeStore } from '../../outcomes/outcome-store.js';
import { actionView } from '../../actions/action.js';
import { createProbeClient } from '../../actions/probe-client.js';
import { acceptSuggestion, dismissSuggestion } from '../../actions/suggestion-decisions.js';
import { CHANNEL_PATTERN, type Conversation } from '../../conversations/conversation.js';
import { createConversationStore, type OpenBounds } from '../../conversations/conversation-store.js';
import { createEventHub } from '../../conversations/event-hub.js';
import { createSseSink } from '../../conversations/sse-stream.js';
import { createFollowers } from '../../conversations/follow-conversation.js';
import { createWsSink, WS_CLOSE, type WsSocket } from '../../conversations/ws-stream.js';
import { createDiagnosisService, pickLanguage, suggestionView } from '../../diagnosis/diagnosis-service.js';
import { livePlaybooks } from '../../reload/live-files.js';
import type { Logger } from '../../platform/logger.js';
import { createSuggestionStore } from '../../diagnosis/suggestion-store.js';
import { publishEvents } from '../../events/event-log.js';
import { createInventoryStore, type Subscriber } from '../../inventory/index.js';
import { createRedisConnection } from '../../platform/redis-connection.js';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { LANGUAGES, type Language } from '../../playbooks/index.js';
import { AppError } from '../../shared/app-error.js';
import { problemResponses } from '../problem-responses.js';
import { ActionSchema, SuggestionSchema } from '../schemas/suggestion-schemas.js';
import { ConversationNowSchema, ConversationOpenedSchema } from '../schemas/diagnosis-schemas.js';
import { Type } from '@sinclair/typebox';

export interface ConversationRoutesOptions {
  redis: Redis;
  redisUrl: string;
  keys: RedisKeys;
  pollShards: number;
  playbooksDir: string;
  idleMs: number;
  logger: Logger;
  /** SSE comment lines and WebSocket pings this often keep proxies from closing a quiet stream (15 s). */
  heartbeatMs?: number;
  /** Bounds on opens (VIGIL_CONVERSATION_*): per key and per subscriber a minute, and the reuse window. */
  opens: Omit<OpenBounds, 'keyId'>;
}

const CONSOLE = { roles: ['agent', 'noc'] } as const;
const C = '/v1/conversations/{id}';
const conversationNotFound = (path: string) =>
  problemResponses(path, [['ERR_CONVERSATION_NOT_FOUND', 'no conversation "c-8f2a"']]);
const conversationClosed = (path: string) =>
  problemResponses(path, [['ERR_CONVERSATION_CONFLICT', 'conversation "c-8f2a" is closed (agent)']]);
const suggestionProblems = (path: string) => ({
  ...problemResponses(path, [
    ['ERR_CONVERSATION_NOT_FOUND', 'no conversation "c-8f2a"'],
    [
      'ERR_SUGGESTION_NOT_FOUND',
      'no suggestion "cpe-00042:remote_reboot:cpe-00042:stale_uptime" for subscriber sub-000501',
    ],
  ]),
  ...problemResponses(path, [
    ['ERR_CONVERSATION_CONFLICT', 'conversation "c-8f2a" is closed (agent)'],
    [
      'ERR_SUGGESTION_CONFLICT',
      'suggestion cpe-00042:remote_reboot:cpe-00042:stale_uptime is accepted (by agent:a-17); only a proposed suggestion can be accepted or dismissed',
    ],
  ]),
});
/** The event stream routes answer with a stream, not JSON; described here for the docs. */
const eventStream = {
  description:
    'text/event-stream: `id`, `event` (diagnosis, suggestion.created, suggestion.updated, suggestion.withdrawn, ' +
    'action.started, action.finished, incident.opened, incident.updated, incident.resolved, reset) and `data` ' +
    "(JSON with `at` and the event's fields; times ISO 8601) per event, heartbeat comments every 15 s",
  content: { 'text/event-stream': { schema: { type: 'string' } } },
};
const conversationParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
} as const;
const streamQuery = {
  type: 'object',
  // Any string up to an id's length: one that is no event id gets a `reset`, not a 400 (see follow-conversation.ts).
  properties: { lastEventId: { type: 'string', maxLength: 64 } },
} as const;
const suggestionParams = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    sid: { type: 'string', minLength: 1, maxLength: 300 },
  },
  required: ['id', 'sid'],
} as const;

interface OpenBody {
  subscriberId?: string;
  account?: string;
  phone?: string;
  channel: string;
  agentId: string;
  language?: Language;
}

/**
 * The agents' console: open a conversation for a subscriber (by id, account or phone) and get the
 * diagnosis snapshot at once from stored state, while a fresh probe of their equipment runs and is
 * pushed; follow the conversation's events (SSE or WebSocket, replay by Last-Event-ID); accept or
 * dismiss suggestions; close it.
 */
export const conversationRoutes: FastifyPluginAsync<ConversationRoutesOptions> = async (app, options) => {
  const { redis, keys } = options;
  const conversations = createConversationStore(redis, keys);
  const inventory = createInventoryStore({ redis, keys });
  const suggestions = createSuggestionStore(redis, keys);
  const actions = createActionStore(redis, keys);
  const diagnosis = createDiagnosisService({
    redis,
    keys,
    pollShards: options.pollShards,
    playbooks: await livePlaybooks(
      { redis: options.redis, keys: options.keys, logger: options.logger },
      options.playbooksDir,
    ),
  });
  const hub = createEventHub({
    redis,
    reader: createRedisConnection(options.redisUrl, 'worker', 'vigil-event-hub'),
    keys,
    logger: options.logger,
  });
  const queueConnection = createRedisConnection(options.redisUrl, 'worker', 'vigil-api-actions');
  const queue = createActionQueue(queueConnection, keys);
  const prober = createProbeClient(options.redisUrl, keys);
  const decisions = { suggestions, actions, queue, outcomes: createOutcomeStore(redis, keys) };
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  /** A WebSocket's conversation, checked before the upgrade, for the handler that runs after it. */
  const upgrading = new WeakMap<FastifyRequest, { conversation: Conversation; lastEventId?: string }>();
  const followers = createFollowers({
    hub,
    logger: options.logger,
    heartbeatMs,
    touch: (id) => conversations.touch(id, Date.now()),
    snapshot: (c) => diagnosis.subscriber(c.subscriberId, c.language, Date.now(), { explain: false }),
  });
  const follow = followers.follow;
  hub.start();
  registerLocalGauge(
    'vigil_stream_clients',
    'Conversation event streams (SSE and WebSocket) open on this API instance.',
    () => hub.listening(),
  );

  // Any API instance may close idle conversations; closing is a compare-and-set, so two never both do.
  const sweep = setInterval(
    () => {
      void (async () => {
        const now = Date.now();
        for (const id of await conversations.idle(now - options.idleMs, 500))
          await conversations.close(id, now, 'idle');
        await conversations.trimClosed(now);
      })().catch((error: unknown) => options.logger.warn({ err: error }, 'idle conversation sweep failed'));
    },
    Math.min(30_000, Math.max(1_000, options.idleMs / 4)),
  );
  sweep.unref();

  app.addHook('onClose', async () => {
    clearInterval(sweep);
    followers.closeAll();
    await hub.stop();
    await prober.close();
    await queue.close();
    queueConnection.disconnect();
  });

  async function findSubscriber(body: OpenBody): Promise<Subscriber> {
    const given = [body.subscriberId, body.account, body.phone].filter((v) => v !== undefined);
    if (given.length !== 1)
      throw new AppError('ERR_CONVERSATION_INVALID', 'give exactly one of subscriberId, account and phone');
    if (body.subscriberId !== undefined) {
      const subscriber = await inventory.getSubscriber(body.subscriberId);
      if (!subscriber) throw new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber "${body.subscriberId}"`);
      return subscriber;
    }
    if (body.account !== undefined) {
      const subscriber = await inventory.findSubscriberByAccount(body.account);
      if (!subscriber)
        throw new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber with account "${body.account}"`);
      return subscriber;
    }
    const found = await inventory.findSubscribersByPhone(body.phone as string);
    if (found.length === 0)
      throw new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber with phone "${body.phone}"`);
    if (found.length > 1)
      throw new AppError(
        'ERR_SUBSCRIBER_CONFLICT',
        `${found.length} subscribers share this phone; open by subscriberId`,
        {
          details: { errors: found.map((s) => ({ path: 'subscriberId', message: s.id })) },
        },
      );
    return found[0] as Subscriber;
  }

  /**
   * Fresh polls of the subscriber's equipment, pushed as a `diagnosis` event when they are in. One per
   * subscriber per reuse window, whatever the number of opens: the event goes to every stream of the
   * subscriber, so the conversations opened meanwhile get it too (its `conversationId` names the one
   * whose open started it).
   */
  function probeAndPush(conversation: Conversation, deviceIds: string[]): void {
    void (async () => {
      if (options.opens.reuseMs > 0) {
        const first = await redis.set(
          keys.conversationProbe(conversation.subscriberId),
          conversation.id,
          'PX',
          options.opens.reuseMs,
          'NX',
        );
        if (first === null) return;
      }
      const reports = await Promise.all(deviceIds.map((id) => prober.probe(id, 15_000)));
      const fresh = await diagnosis.subscriber(conversation.subscriberId, conversation.language, Date.now(), {
        explain: false,
      });
      await publishEvents(redis, keys, [
        {
          type: 'diagnosis',
          at: Date.now(),
          subscriberIds: [conversation.subscriberId],
          deviceIds,
          data: {
            conversationId: conversation.id,
            probes: reports.map((r, i) => ({
              deviceId: deviceIds[i],
              outcome: r?.result.outcome ?? 'no_poller',
            })),
            ...fresh,
          },
        },
      ]);
    })().catch((error: unknown) =>
      options.logger.warn({ err: error, conversation: conversation.id }, 'fresh probe failed'),
    );
  }

  async function openConversation(id: string, request: FastifyRequest): Promise<Conversation> {
    const conversation = await conversations.requireOpen(id);
    await conversations.touch(id, Date.now());
    void request;
    return conversation;
  }

  app.post<{ Body: OpenBody }>(
    '/v1/conversations',
    {
      config: CONSOLE,
      schema: {
        summary:
          'Open a conversation with a subscriber: the diagnosis snapshot at once, then live events ' +
          '(201; 200 with the conversation already open for the same key, subscriber, channel and agent)',
        description:
          "For the agents' console (agent, noc): finds the subscriber by exactly one of `subscriberId`, " +
          '`account` or `phone`, and answers at once with the diagnosis snapshot from stored state (no SNMP ' +
          "on the request path) and `lastEventId`; a fresh probe of the subscriber's equipment runs meanwhile " +
          'and arrives as a `diagnosis` event. The same open again within a minute (same key, subscriber, ' +
          'channel, agent) is the open conversation, 200. Opens are limited per key and per subscriber a ' +
          'minute (429 with `Retry-After`). A phone shared by several subscribers is 409.',
        tags: ['conversations'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['channel', 'agentId'],
          properties: {
            subscriberId: { type: 'string', minLength: 1, maxLength: 128 },
            account: { type: 'string', minLength: 1, maxLength: 128 },
            phone: { type: 'string', minLength: 3, maxLength: 32 },
            channel: { type: 'string', pattern: CHANNEL_PATTERN },
            agentId: { type: 'string', minLength: 1, maxLength: 128 },
            language: { type: 'string', enum: [...LANGUAGES] },
          },
        },
        response: {
          200: ConversationOpenedSchema,
          201: ConversationOpenedSchema,
          ...problemResponses('/v1/conversations', [
            ['ERR_SUBSCRIBER_NOT_FOUND', 'no subscriber with account "4410-2291"'],
            ['ERR_SUBSCRIBER_CONFLICT', '2 subscribers share this phone; open by subscriberId'],
            ['ERR_CONVERSATION_INVALID', 'give exactly one of subscriberId, account and phone'],
            [
              'ERR_RATE_LIMITED',
              'more than 20 conversations a minute opened for this subscriber; retry in 12 s',
            ],
          ]),
        },
      },
    },
    async (request, reply) => {
      const subscriber = await findSubscriber(request.body);
      const preferred =
        subscriber.language === 'ru' || subscriber.language === 'en' ? subscriber.language : 'en';
      const language = request.body.language ?? pickLanguage(request.headers['accept-language'], preferred);
      const now = Date.now();
      const opened = await conversations.open(
        {
          subscriberId: subscriber.id,
          channel: request.body.channel,
          agentId: request.body.agentId,
          language,
        },
        now,
        { ...options.opens, keyId: request.principal?.keyId ?? '' },
      );
      if (opened.outcome === 'limited') {
        const counted = redis.pipeline();
        countInto(counted, keys, 'vigil_http_rate_limited_total', { bucket: `conversation_${opened.by}` });
        await counted.exec().catch(() => undefined);
        const seconds = Math.max(1, Math.ceil(opened.retryAfterMs / 1000));
        void reply.header('retry-after', String(seconds));
        throw new AppError(
          'ERR_RATE_LIMITED',
          opened.by === 'key'
            ? `more than ${options.opens.perKeyPerMinute} conversations a minute opened with this key; retry in ${seconds} s`
            : `more than ${options.opens.perSubscriberPerMinute} conversations a minute opened for this subscriber; retry in ${seconds} s`,
          { retryable: true },
        );
      }
      const { conversation } = opened;
      // The stream position before the snapshot: a client that follows from here misses nothing after it.
      const position = await hub.position();
      const snapshot = await diagnosis.subscriber(subscriber.id, conversation.language, now, {
        explain: false,
      });
      // The same open again (a retry, a double click) is the conversation already open: 200, no new probe.
      if (opened.outcome === 'opened') probeAndPush(conversation, subscriber.deviceIds);
      void reply.code(opened.outcome === 'opened' ? 201 : 200);
      return {
        conversation: view(conversation),
        diagnosis: snapshot,
        lastEventId: position,
        events: `/v1/conversations/${conversation.id}/events`,
        ws: `/v1/conversations/${conversation.id}/ws`,
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { lang?: Language } }>(
    '/v1/conversations/:id',
    {
      config: CONSOLE,
      schema: {
        summary: 'The conversation and its diagnosis now',
        description:
          "For the console: the conversation (open or closed) and its subscriber's diagnosis as stored now; " +
          'reading an open conversation counts as activity (it does not idle out).',
        tags: ['conversations'],
        params: conversationParams,
        response: { 200: ConversationNowSchema, ...conversationNotFound(C) },
      },
    },
    async (request) => {
      const conversation = await conversations.get(request.params.id);
      if (!conversation)
        throw new AppError('ERR_CONVERSATION_NOT_FOUND', `no conversation "${request.params.id}"`);
      if (conversation.state === 'open') await conversations.touch(conversation.id, Date.now());
      return {
        conversation: view(conversation),
        diagnosis: await diagnosis.subscriber(conversation.subscriberId, conversation.language, Date.now(), {
          explain: false,
        }),
      };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/conversations/:id',
    {
      config: CONSOLE,
      schema: {
        summary: 'Close the conversation',
        description:
          'For the console: closes the conversation and ends its streams (WebSocket close 1000). Idle ' +
          'conversations close by themselves after VIGIL_CONVERSATION_IDLE_MINUTES.',
        tags: ['conversations'],
        params: conversationParams,
        response: { 204: { type: 'null', description: 'closed' }, ...conversationNotFound(C) },
      },
    },
    async (request, reply) => {
      const conversation = await conversations.get(request.params.id);
      if (!conversation)
        throw new AppError('ERR_CONVERSATION_NOT_FOUND', `no conversation "${request.params.id}"`);
      await conversations.close(conversation.id, Date.now(), 'agent');
      followers.closeConversation(conversation.id);
      void reply.code(204);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { lastEventId?: string } }>(
    '/v1/conversations/:id/events',
    {
      config: CONSOLE,
      schema: {
        summary:
          "The conversation's events (server-sent events), replayed from Last-Event-ID after a reconnect " +
          '(or, when that id cannot be resumed from, a `reset` event with the snapshot)',
        description:
          "For the console: the conversation's subscriber's events as server-sent events: `diagnosis` first " +
          '(the fresh probe), then suggestions, actions and incidents as they happen. After a reconnect, ' +
          '`Last-Event-ID` (or `?lastEventId=`) replays what was missed; an id the stream no longer keeps ' +
          'gets a `reset` event with the snapshot. A client that stops reading is cut off after 2,000 ' +
          'queued events (it reconnects and replays).',
        tags: ['conversations'],
        params: conversationParams,
        querystring: streamQuery,
        response: {
          200: eventStream,
          ...conversationNotFound(`${C}/events`),
          ...conversationClosed(`${C}/events`),
        },
      },
    },
    async (request, reply) => {
      const conversation = await openConversation(request.params.id, request);
      const lastEventId = lastEventIdOf(request);
      const raw = reply.raw;
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.flushHeaders();
      await follow(conversation, lastEventId, (onClose) => {
        const sink = createSseSink(raw, { heartbeatMs, onClose });
        raw.write(`retry: 2000\n\n`);
        return sink;
      });
    },
  );

  app.route<{ Params: { id: string }; Querystring: { lastEventId?: string } }>({
    method: 'GET',
    url: '/v1/conversations/:id/ws',
    config: CONSOLE,
    schema: {
      summary:
        "The conversation's events over a WebSocket (one JSON text frame {id, type, data} each), " +
        'replayed from ?lastEventId= after a reconnect (or a `reset` event with the snapshot)',
      description:
        'For the console: the same events over a WebSocket, one JSON text frame `{id, type, data}` each, ' +
        'resumed with `?lastEventId=`. The key and the conversation are checked before the upgrade, so a ' +
        'refusal is a plain problem; ping frames are the heartbeat; over 4 MiB unsent closes with 1013.',
      tags: ['conversations'],
      params: conversationParams,
      querystring: streamQuery,
      response: {
        101: { type: 'null', description: 'Switching Protocols: the WebSocket is open' },
        ...problemResponses(`${C}/ws`, [
          [
            'ERR_REQUEST_INVALID',
            'This route is a WebSocket: connect with "Upgrade: websocket" (or follow /events for server-sent events).',
          ],
        ]),
        ...conversationNotFound(`${C}/ws`),
        ...conversationClosed(`${C}/ws`),
      },
    },
    // Before the upgrade: a closed or unknown conversation is a 409 or 404 problem, not a socket.
    preHandler: async (request) => {
      const conversation = await openConversation(request.params.id, request);
      upgrading.set(request, { conversation, lastEventId: lastEventIdOf(request) });
    },
    handler: () => {
      throw new AppError(
        'ERR_REQUEST_INVALID',
        'This route is a WebSocket: connect with "Upgrade: websocket" (or follow /events for server-sent events).',
      );
    },
    wsHandler: async (socket: WsSocket, request) => {
      const checked = upgrading.get(request);
      upgrading.delete(request);
      if (!checked) {
        socket.close(WS_CLOSE.internalError);
        return;
      }
      await follow(checked.conversation, checked.lastEventId, (onClose) =>
        createWsSink(socket, { heartbeatMs, onClose }),
      );
    },
  });

  /**
   * Last-Event-ID from the query (browsers cannot set headers on EventSource or WebSocket) or the header.
   * Not checked here: an id the stream cannot resume from (malformed ones too) is answered with a `reset`.
   */
  function lastEventIdOf(
    request: FastifyRequest<{ Querystring: { lastEventId?: string } }>,
  ): string | undefined {
    const header = request.headers['last-event-id'];
    const lastEventId = request.query.lastEventId ?? (typeof header === 'string' ? header : undefined);
    return lastEventId?.slice(0, 64);
  }

  app.post<{ Params: { id: string; sid: string } }>(
    '/v1/conversations/:id/suggestions/:sid/accept',
    {
      config: CONSOLE,
      schema: {
        summary:
          'Accept a suggestion: it runs exactly once; follow action.started / action.finished on the stream',
        description:
          "For the console: accepts a proposed suggestion of this conversation's subscriber and queues its " +
          'action, which runs exactly once (a second click, or a second agent, gets 409). Follow ' +
          '`action.started` and `action.finished` on the stream; a remote reboot is verified (device back, ' +
          'uptime reset, findings cleared).',
        tags: ['conversations'],
        params: suggestionParams,
        response: {
          202: Type.Object({ suggestion: SuggestionSchema, action: ActionSchema }),
          ...suggestionProblems(`${C}/suggestions/{sid}/accept`),
        },
      },
    },
    async (request, reply) => {
      const conversation = await openConversation(request.params.id, request);
      const { suggestion, action } = await acceptSuggestion(decisions, conversation, request.params.sid);
      void reply.code(202);
      return { suggestion: suggestionView(suggestion, conversation.language), action: actionView(action) };
    },
  );

  app.post<{ Params: { id: string; sid: string }; Body: { reason: string } }>(
    '/v1/conversations/:id/suggestions/:sid/dismiss',
    {
      config: CONSOLE,
      schema: {
        summary: 'Dismiss a suggestion, with the reason (it stays dismissed while its cause lasts)',
        description:
          "For the console: dismisses a proposed suggestion with the agent's reason; it stays dismissed while " +
          'its cause lasts and the reason is counted in the effectiveness report.',
        tags: ['conversations'],
        params: suggestionParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
        },
        response: {
          200: Type.Object({ suggestion: SuggestionSchema }),
          ...suggestionProblems(`${C}/suggestions/{sid}/dismiss`),
        },
      },
    },
    async (request) => {
      const conversation = await openConversation(request.params.id, request);
      const suggestion = await dismissSuggestion(
        decisions,
        conversation,
        request.params.sid,
        request.body.reason,
      );
      return { suggestion: suggestionView(suggestion, conversation.language) };
    },
  );
};

function view(conversation: Conversation): Record<string, unknown> {
  return {
    ...conversation,
    openedAt: new Date(conversation.openedAt).toISOString(),
    lastActivityAt: new Date(conversation.lastActivityAt).toISOString(),
    ...(conversation.closedAt !== undefined
      ? { closedAt: new Date(conversation.closedAt).toISOString() }
      : {}),
  };
}
