import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { Language } from '../../playbooks/index.js';
import { problemResponses } from '../problem-responses.js';
import {
  CONSOLE,
  CONVERSATION_PATH as C,
  conversationNotFound,
  openBody,
} from '../schemas/conversation-route-schemas.js';
import { ConversationNowSchema, ConversationOpenedSchema } from '../schemas/diagnosis-schemas.js';
import { IdParams } from '../schemas/id-params.js';
import { conversationView } from './conversation-view.js';

export interface ConversationRoutesOptions {
  conversations: ConversationService;
}

interface OpenBody {
  subscriberId?: string;
  account?: string;
  phone?: string;
  channel: string;
  agentId: string;
  language?: Language;
}

const openSchema = {
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
  body: openBody,
  response: {
    200: ConversationOpenedSchema,
    201: ConversationOpenedSchema,
    ...problemResponses('/v1/conversations', [
      ['ERR_SUBSCRIBER_NOT_FOUND', 'no subscriber with account "4410-2291"'],
      ['ERR_SUBSCRIBER_CONFLICT', '2 subscribers share this phone; open by subscriberId'],
      ['ERR_CONVERSATION_INVALID', 'give exactly one of subscriberId, account and phone'],
      ['ERR_RATE_LIMITED', 'more than 20 conversations a minute opened for this subscriber; retry in 12 s'],
    ]),
  },
};

const nowSchema = {
  summary: 'The conversation and its diagnosis now',
  description:
    "For the console: the conversation (open or closed) and its subscriber's diagnosis as stored now; " +
    'reading an open conversation counts as activity (it does not idle out).',
  tags: ['conversations'],
  params: IdParams,
  response: { 200: ConversationNowSchema, ...conversationNotFound(C) },
};

const closeSchema = {
  summary: 'Close the conversation',
  description:
    'For the console: closes the conversation and ends its streams (WebSocket close 1000). Idle ' +
    'conversations close by themselves after VIGIL_CONVERSATION_IDLE_MINUTES.',
  tags: ['conversations'],
  params: IdParams,
  response: { 204: { type: 'null', description: 'closed' }, ...conversationNotFound(C) },
};

/**
 * The agents' console: open a conversation for a subscriber (by id, account or phone) and get the
 * diagnosis snapshot at once from stored state, while a fresh probe of their equipment runs and is
 * pushed; read it; close it. Following, accepting and dismissing are in their own route files.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export const conversationRoutes: FastifyPluginAsync<ConversationRoutesOptions> = async (app, options) => {
  const { conversations } = options;

  /** 201 for a new conversation, 200 for the same open again (a retry, a double click). */
  async function open(request: FastifyRequest<{ Body: OpenBody }>, reply: FastifyReply) {
    const answer = await conversations.open({
      ...request.body,
      acceptLanguage: request.headers['accept-language'],
      keyId: request.principal?.keyId ?? '',
    });
    if (answer.outcome === 'limited') {
      void reply.header('retry-after', String(answer.retryAfterSeconds));
      throw answer.error;
    }
    const { conversation } = answer;
    void reply.code(answer.outcome === 'opened' ? 201 : 200);
    return {
      conversation: conversationView(conversation),
      diagnosis: answer.diagnosis,
      lastEventId: answer.lastEventId,
      events: `/v1/conversations/${conversation.id}/events`,
      ws: `/v1/conversations/${conversation.id}/ws`,
    };
  }

  app.post<{ Body: OpenBody }>('/v1/conversations', { config: CONSOLE, schema: openSchema }, open);

  app.get<{ Params: { id: string }; Querystring: { lang?: Language } }>(
    '/v1/conversations/:id',
    { config: CONSOLE, schema: nowSchema },
    async (request) => {
      const { conversation, diagnosis } = await conversations.now(request.params.id);
      return { conversation: conversationView(conversation), diagnosis };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/conversations/:id',
    { config: CONSOLE, schema: closeSchema },
    async (request, reply) => {
      await conversations.close(request.params.id);
      void reply.code(204);
    },
  );
};
