import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { Conversation } from '../../conversations/conversation.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import { createSseSink } from '../../conversations/sse-stream.js';
import { createWsSink, WS_CLOSE, type WsSocket } from '../../conversations/ws-stream.js';
import { AppError } from '../../shared/app-error.js';
import { problemResponses } from '../problem-responses.js';
import {
  CONSOLE,
  CONVERSATION_PATH as C,
  conversationClosed,
  conversationNotFound,
  eventStream,
  streamQuery,
} from '../schemas/conversation-route-schemas.js';
import { IdParams } from '../schemas/id-params.js';

export interface ConversationStreamRoutesOptions {
  conversations: ConversationService;
}
type Options = ConversationStreamRoutesOptions;

type StreamRequest = FastifyRequest<{ Params: { id: string }; Querystring: { lastEventId?: string } }>;

const NOT_A_WEBSOCKET =
  'This route is a WebSocket: connect with "Upgrade: websocket" (or follow /events for server-sent events).';

/**
 * A conversation's events, over server-sent events or a WebSocket, replayed from the last event id
 * after a reconnect. The streams this app serves end when it closes.
 */
export const conversationStreamRoutes: FastifyPluginCallback<Options> = (app, { conversations }, done) => {
  const { heartbeatMs } = conversations;
  /** A WebSocket's conversation, checked before the upgrade, for the handler that runs after it. */
  const upgrading = new WeakMap<FastifyRequest, { conversation: Conversation; lastEventId?: string }>();
  app.addHook('onClose', (_app, done) => {
    conversations.closeStreams();
    done();
  });

  async function followSse(request: StreamRequest, reply: FastifyReply): Promise<void> {
    const conversation = await conversations.requireOpen(request.params.id);
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    await conversations.follow(conversation, lastEventIdOf(request), (onClose) => {
      const sink = createSseSink(raw, { heartbeatMs, onClose });
      raw.write(`retry: 2000\n\n`);
      return sink;
    });
  }

  async function followWs(socket: WsSocket, request: FastifyRequest): Promise<void> {
    const checked = upgrading.get(request);
    upgrading.delete(request);
    if (!checked) {
      socket.close(WS_CLOSE.internalError);
      return;
    }
    await conversations.follow(checked.conversation, checked.lastEventId, (onClose) =>
      createWsSink(socket, { heartbeatMs, onClose }),
    );
  }

  app.get<{ Params: { id: string }; Querystring: { lastEventId?: string } }>(
    '/v1/conversations/:id/events',
    { config: CONSOLE, schema: sseSchema },
    followSse,
  );

  app.route<{ Params: { id: string }; Querystring: { lastEventId?: string } }>({
    method: 'GET',
    url: '/v1/conversations/:id/ws',
    config: CONSOLE,
    schema: wsSchema,
    // Before the upgrade: a closed or unknown conversation is a 409 or 404 problem, not a socket.
    preHandler: async (request) => {
      const conversation = await conversations.requireOpen(request.params.id);
      upgrading.set(request, { conversation, lastEventId: lastEventIdOf(request) });
    },
    handler: () => {
      throw new AppError('ERR_REQUEST_INVALID', NOT_A_WEBSOCKET);
    },
    wsHandler: followWs,
  });
  done();
};

/**
 * Last-Event-ID from the query (browsers cannot set headers on EventSource or WebSocket) or the header.
 * Not checked here: an id the stream cannot resume from (malformed ones too) is answered with a `reset`.
 */
function lastEventIdOf(request: StreamRequest): string | undefined {
  const header = request.headers['last-event-id'];
  const lastEventId = request.query.lastEventId ?? (typeof header === 'string' ? header : undefined);
  return lastEventId?.slice(0, 64);
}

const sseSchema = {
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
  params: IdParams,
  querystring: streamQuery,
  response: {
    200: eventStream,
    ...conversationNotFound(`${C}/events`),
    ...conversationClosed(`${C}/events`),
  },
};

const wsSchema = {
  summary:
    "The conversation's events over a WebSocket (one JSON text frame {id, type, data} each), " +
    'replayed from ?lastEventId= after a reconnect (or a `reset` event with the snapshot)',
  description:
    'For the console: the same events over a WebSocket, one JSON text frame `{id, type, data}` each, ' +
    'resumed with `?lastEventId=`. The key and the conversation are checked before the upgrade, so a ' +
    'refusal is a plain problem; ping frames are the heartbeat; over 4 MiB unsent closes with 1013.',
  tags: ['conversations'],
  params: IdParams,
  querystring: streamQuery,
  response: {
    101: { type: 'null', description: 'Switching Protocols: the WebSocket is open' },
    ...problemResponses(`${C}/ws`, [['ERR_REQUEST_INVALID', NOT_A_WEBSOCKET]]),
    ...conversationNotFound(`${C}/ws`),
    ...conversationClosed(`${C}/ws`),
  },
};
