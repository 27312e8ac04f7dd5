import { Type } from '@sinclair/typebox';
import type { ActionRecord } from '../../actions/action.js';
import type { SuggestionView } from '../../diagnosis/diagnosis-service.js';
import { SUGGESTION_STATES } from '../../diagnosis/suggestion-record.js';
import { LANGUAGES, SUGGESTION_KINDS } from '../../playbooks/index.js';
import { documents, IsoTime, Record_, StringEnum } from './api-schema.js';

const EvidenceSchema = Type.Object({
  summary: Type.String({ examples: ['router up 41 days, 1.2k CRC errors/h'] }),
  values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
});

export const SuggestionSchema = documents<SuggestionView>()(
  Record_(
    {
      id: Type.String({ description: '`<deviceId>:<kind>:<cause>`: the same cause keeps the same id' }),
      deviceId: Type.String(),
      subscriberIds: Type.Array(Type.String(), { description: 'whose conversations show it' }),
      kind: StringEnum(SUGGESTION_KINDS),
      state: StringEnum(SUGGESTION_STATES),
      priority: Type.Number({ description: 'higher first' }),
      text: Type.String({ description: 'for the agent, in `language`' }),
      language: StringEnum(LANGUAGES),
      ruleId: Type.String({ description: 'the playbook rule that suggested it' }),
      rule: Type.Object(
        {},
        { additionalProperties: true, description: 'where the rule is written (file, line)' },
      ),
      cause: Type.Object(
        { findingIds: Type.Array(Type.String()), incidentId: Type.Optional(Type.String()) },
        { additionalProperties: true },
      ),
      evidence: Type.Array(EvidenceSchema),
      createdAt: IsoTime(),
      updatedAt: IsoTime(),
      closedAt: Type.Optional(IsoTime()),
      version: Type.Integer({ description: 'bumped by every change' }),
      lastChange: Type.Optional(
        Type.Object(
          {
            at: IsoTime(),
            state: StringEnum(SUGGESTION_STATES),
            reason: Type.String({ examples: ['finding cpe-00042:stale_uptime cleared'] }),
            by: Type.Optional(Type.String()),
            conversationId: Type.Optional(Type.String()),
          },
          { additionalProperties: true, description: 'why it is where it is' },
        ),
      ),
    },
    'A suggestion for the agent (remote reboot, technician visit, consultation, outage notice).',
  ),
);

export const ActionSchema = documents<ActionRecord>()(
  Record_(
    {
      id: Type.String({
        description: "the suggestion's id, or `noc-reboot:<deviceId>:<ms>` for a NOC reboot",
      }),
      kind: StringEnum(SUGGESTION_KINDS),
      deviceId: Type.String(),
      suggestionId: Type.Optional(Type.String()),
      conversationId: Type.Optional(Type.String()),
      subscriberIds: Type.Array(Type.String()),
      requestedBy: Type.String({ description: '`agent:<agentId>` or `<role>:<keyId>`' }),
      requestedAt: IsoTime(),
      state: StringEnum(['queued', 'running', 'succeeded', 'failed'] as const),
      startedAt: Type.Optional(IsoTime()),
      finishedAt: Type.Optional(IsoTime()),
      setSentAt: Type.Optional(IsoTime('remote_reboot: when the SNMP SET went out (once)')),
      setResentAt: Type.Optional(
        IsoTime('remote_reboot: when the SET went out again, its first sender having died before sending it'),
      ),
      causeFindingIds: Type.Optional(
        Type.Array(Type.String(), {
          description:
            'a NOC reboot: the findings open when it started, which its verification expects cleared',
        }),
      ),
      ticketId: Type.Optional(Type.String({ description: "technician_visit: the field service's ticket" })),
      outcome: Type.Optional(
        Type.Object(
          {
            result: StringEnum(['succeeded', 'failed'] as const),
            reason: Type.String({ examples: ['device back after 9 s, uptime 3 s, stale_uptime cleared'] }),
            escalation: Type.Optional(StringEnum(SUGGESTION_KINDS)),
            findingCleared: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: true },
        ),
      ),
    },
    'An accepted suggestion (or a NOC reboot) being carried out, exactly once.',
  ),
);
