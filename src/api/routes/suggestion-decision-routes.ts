import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallback } from 'fastify';
import { actionView, type ActionRecord } from '../../actions/action.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import { suggestionView } from '../../diagnosis/diagnosis-service.js';
import {
  CONSOLE,
  CONVERSATION_PATH as C,
  suggestionParams,
  suggestionProblems,
} from '../schemas/conversation-route-schemas.js';
import { ActionSchema, SuggestionSchema } from '../schemas/suggestion-schemas.js';

export interface SuggestionDecisionRoutesOptions {
  conversations: ConversationService<ActionRecord>;
}

const acceptSchema = {
  summary: 'Accept a suggestion: it runs exactly once; follow action.started / action.finished on the stream',
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
};

const dismissSchema = {
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
};

/** The agent's answer to a suggestion in a conversation: accept (it runs once) or dismiss with a reason. */
export const suggestionDecisionRoutes: FastifyPluginCallback<SuggestionDecisionRoutesOptions> = (
  app,
  options,
  done,
) => {
  const { conversations } = options;

  app.post<{ Params: { id: string; sid: string } }>(
    '/v1/conversations/:id/suggestions/:sid/accept',
    { config: CONSOLE, schema: acceptSchema },
    async (request, reply) => {
      const { conversation, suggestion, action } = await conversations.accept(
        request.params.id,
        request.params.sid,
      );
      void reply.code(202);
      return { suggestion: suggestionView(suggestion, conversation.language), action: actionView(action) };
    },
  );

  app.post<{ Params: { id: string; sid: string }; Body: { reason: string } }>(
    '/v1/conversations/:id/suggestions/:sid/dismiss',
    { config: CONSOLE, schema: dismissSchema },
    async (request) => {
      const { params, body } = request;
      const { conversation, suggestion } = await conversations.dismiss(params.id, params.sid, body.reason);
      return { suggestion: suggestionView(suggestion, conversation.language) };
    },
  );
  done();
};
