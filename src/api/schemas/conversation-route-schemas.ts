import { CHANNEL_PATTERN } from '../../conversations/conversation.js';
import { LANGUAGES } from '../../playbooks/index.js';
import { problemResponses } from '../problem-responses.js';
import { ComposedId, Id } from './id-params.js';
import { Type } from '@sinclair/typebox';

/** The console's routes: agents, and NOC looking over their shoulder. */
export const CONSOLE = { roles: ['agent', 'noc'] } as const;
/** The documented path of one conversation. */
export const CONVERSATION_PATH = '/v1/conversations/{id}';

export const conversationNotFound = (path: string) =>
  problemResponses(path, [['ERR_CONVERSATION_NOT_FOUND', 'no conversation "c-8f2a"']]);
export const conversationClosed = (path: string) =>
  problemResponses(path, [['ERR_CONVERSATION_CONFLICT', 'conversation "c-8f2a" is closed (agent)']]);
export const suggestionProblems = (path: string) => ({
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
export const eventStream = {
  description:
    'text/event-stream: `id`, `event` (diagnosis, suggestion.created, suggestion.updated, suggestion.withdrawn, ' +
    'action.started, action.finished, incident.opened, incident.updated, incident.resolved, subscriber.notified ' +
    '(an outage SMS sent to the subscriber), reset) and `data` ' +
    "(JSON with `at` and the event's fields; times ISO 8601) per event, heartbeat comments every 15 s",
  content: { 'text/event-stream': { schema: { type: 'string' } } },
};

/** Any string up to an event id's length: one that is no event id gets a `reset`, not a 400 (see follow-conversation.ts). */
export const streamQuery = Type.Object({ lastEventId: Type.Optional(Type.String({ maxLength: 64 })) });

export const suggestionParams = Type.Object({ id: Id, sid: ComposedId });

export const openBody = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'agentId'],
  properties: {
    subscriberId: Id,
    account: { type: 'string', minLength: 1, maxLength: 128 },
    phone: { type: 'string', minLength: 3, maxLength: 32 },
    channel: { type: 'string', pattern: CHANNEL_PATTERN },
    agentId: { type: 'string', minLength: 1, maxLength: 128 },
    language: { type: 'string', enum: [...LANGUAGES] },
  },
} as const;
