import type { FastifyPluginCallback } from 'fastify';
import type { SubscriberHistory } from '../../actions/subscriber-history.js';
import { AppError } from '../../shared/app-error.js';
import { problemResponses } from '../problem-responses.js';
import { IdParams } from '../schemas/id-params.js';

export interface SubscriberHistoryRoutesOptions {
  history: SubscriberHistory;
}

const PATH = '/v1/subscribers/{id}/history';

const itemSchema = {
  type: 'object',
  required: ['type', 'at'],
  description:
    '`contact` (a conversation opened; channel and agent while it is open), `action` (an accepted ' +
    'suggestion or a NOC reboot of their equipment: kind, state and how it ended — result, reason, ' +
    'findingCleared, escalation, ticketId), `dismissal` (a suggestion the agent dismissed, with the ' +
    'reason code) or `sms` (an outage SMS: incident, kind, state, text).',
  properties: {
    type: { type: 'string', enum: ['contact', 'action', 'dismissal', 'sms'] },
    at: { type: 'string', format: 'date-time' },
    conversationId: { type: 'string' },
    channel: { type: 'string' },
    agentId: { type: 'string' },
    actionId: { type: 'string' },
    kind: { type: 'string' },
    deviceId: { type: 'string' },
    state: { type: 'string' },
    requestedBy: { type: 'string' },
    finishedAt: { type: 'string', format: 'date-time' },
    result: { type: 'string', enum: ['succeeded', 'failed'] },
    reason: { type: 'string' },
    findingCleared: { type: 'boolean' },
    escalation: { type: 'string' },
    ticketId: { type: 'string' },
    suggestionId: { type: 'string' },
    incidentId: { type: 'string' },
    text: { type: 'string' },
  },
} as const;

const historySchema = {
  summary: "A subscriber's history, newest first: contacts, actions and their outcomes, dismissals, SMS",
  description:
    'For the agent (and NOC) before offering anything: previous contacts, reboots and technician visits ' +
    'with how each ended ("rebooted yesterday, the errors stayed"), dismissed suggestions and outage SMS, ' +
    'from the stored audit trail, actions, contacts (90 days) and SMS. Paged: pass `nextBefore` as ' +
    '`before` for older items. Actions and dismissals come from a per-subscriber and per-device index of ' +
    "the audit trail (its newest 1,000 each), whatever the trail's size. `partial` is true when older " +
    'actions may be missing: an index was full, or the scan of entries written before the index existed ' +
    '(20,000 entries a page) ran out. An embed token reads only its subscriber.',
  tags: ['conversations'],
  params: IdParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
      before: { type: 'string', format: 'date-time', description: 'only items before this instant' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['items', 'partial'],
      properties: {
        items: { type: 'array', items: itemSchema },
        nextBefore: { type: 'string', format: 'date-time' },
        partial: { type: 'boolean' },
      },
    },
    ...problemResponses(PATH, [
      ['ERR_SUBSCRIBER_NOT_FOUND', 'no subscriber "sub-000501"'],
      ['ERR_HISTORY_QUERY_INVALID', 'before must be an instant, e.g. 2026-12-02T10:00:00Z'],
    ]),
  },
};

/** The subscriber's history for the agent view and the embedded panel (agent, noc). */
export const subscriberHistoryRoutes: FastifyPluginCallback<SubscriberHistoryRoutesOptions> = (
  app,
  options,
  done,
) => {
  app.get<{ Params: { id: string }; Querystring: { limit: number; before?: string } }>(
    '/v1/subscribers/:id/history',
    { config: { roles: ['agent', 'noc'] }, schema: historySchema },
    async (request) => {
      const { limit, before } = request.query;
      const beforeMs = before === undefined ? undefined : Date.parse(before);
      if (beforeMs !== undefined && Number.isNaN(beforeMs))
        throw new AppError(
          'ERR_HISTORY_QUERY_INVALID',
          'before must be an instant, e.g. 2026-12-02T10:00:00Z',
        );
      const page = await options.history(request.params.id, {
        limit,
        ...(beforeMs !== undefined ? { before: beforeMs } : {}),
      });
      return {
        items: page.items,
        partial: page.partial,
        ...(page.nextBefore !== undefined ? { nextBefore: new Date(page.nextBefore).toISOString() } : {}),
      };
    },
  );
  done();
};
