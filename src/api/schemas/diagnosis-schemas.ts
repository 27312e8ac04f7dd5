import { Type } from '@sinclair/typebox';
import type { Conversation } from '../../conversations/conversation.js';
import type { DeviceDiagnosis, SubscriberDiagnosis } from '../../diagnosis/diagnosis-service.js';
import type { Subscriber } from '../../inventory/index.js';
import { LANGUAGES } from '../../playbooks/index.js';
import { SMS_KINDS, type SmsView } from '../../sms/index.js';
import { documents, IsoTime, Record_, StringEnum } from './api-schema.js';
import { DeviceSchema, DeviceStateSchema, FindingSchema } from './device-schemas.js';
import { IncidentSummarySchema } from './incident-schema.js';
import { SuggestionSchema } from './suggestion-schemas.js';

export const SubscriberSchema = documents<Subscriber>()(
  Record_(
    {
      id: Type.String({ examples: ['sub-000501'] }),
      name: Type.Optional(Type.String()),
      account: Type.Optional(Type.String()),
      phone: Type.Optional(Type.String({ description: '"+" then digits', examples: ['+79161234567'] })),
      deviceIds: Type.Array(Type.String()),
      site: Type.Optional(Type.String()),
      language: Type.Optional(Type.String()),
      smsOptOut: Type.Optional(Type.Boolean({ description: 'true: never sent outage SMS' })),
    },
    'A subscriber of the inventory; extra fields given at import are kept and shown.',
  ),
);

export const SmsSchema = documents<SmsView>()(
  Type.Object(
    {
      incidentId: Type.String({ examples: ['outage:bs-0001'] }),
      kind: StringEnum(SMS_KINDS),
      state: StringEnum(['queued', 'sent', 'dropped', 'failed', 'unconfirmed'] as const),
      phone: Type.String(),
      queuedAt: IsoTime(),
      dueAt: IsoTime('when it may go out (after the quiet hours of its site)'),
      sentAt: Type.Optional(IsoTime('when the SMS centre accepted it: "the subscriber was told at 14:02"')),
      text: Type.Optional(Type.String({ description: 'what the subscriber read' })),
      parts: Type.Optional(Type.Integer({ description: 'concatenated parts it took' })),
      delivered: Type.Boolean({ description: "every part's delivery receipt says DELIVRD" }),
      receipts: Type.Optional(
        Type.Record(Type.String(), Type.String(), { description: 'SMSC message id → final state' }),
      ),
    },
    { description: 'An outage SMS to the subscriber (notice, ETA update, service restored).' },
  ),
);

export const DeviceDiagnosisSchema = documents<DeviceDiagnosis>()(
  Type.Object({
    device: DeviceSchema,
    state: DeviceStateSchema,
    findings: Type.Array(
      Record_(
        {
          ...FindingSchema.properties,
          inhibited: Type.Boolean({ description: 'muted by an incident above it (its notice says it all)' }),
        },
        'A finding of the device, and whether an incident mutes it.',
      ),
    ),
    incidents: Type.Array(IncidentSummarySchema, { description: 'incidents that cover this device' }),
    suggestions: Type.Array(SuggestionSchema, { description: 'live suggestions for this device' }),
    explain: Type.Optional(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description: 'every playbook rule and guard tried, with its numbers (diagnosis routes only)',
        },
      ),
    ),
  }),
);

export const SubscriberDiagnosisSchema = documents<SubscriberDiagnosis>()(
  Type.Object(
    {
      subscriber: SubscriberSchema,
      at: IsoTime('when this picture was read'),
      devices: Type.Array(DeviceDiagnosisSchema),
      incidents: Type.Array(IncidentSummarySchema),
      suggestions: Type.Array(SuggestionSchema, { description: 'live suggestions, highest priority first' }),
      sms: Type.Array(SmsSchema, { description: 'outage SMS to this subscriber, newest first' }),
    },
    {
      description:
        "A subscriber's equipment, findings, incidents, live suggestions and outage SMS, from stored state.",
    },
  ),
);

export const ConversationSchema = documents<Conversation>()(
  Record_(
    {
      id: Type.String(),
      subscriberId: Type.String(),
      channel: Type.String({ examples: ['chat'] }),
      agentId: Type.String(),
      language: StringEnum(LANGUAGES),
      state: StringEnum(['open', 'closed'] as const),
      openedAt: IsoTime(),
      lastActivityAt: IsoTime(),
      closedAt: Type.Optional(IsoTime()),
      closedBy: Type.Optional(StringEnum(['agent', 'idle'] as const)),
    },
    "An agent's live contact with a subscriber.",
  ),
);

export const ConversationOpenedSchema = Type.Object({
  conversation: ConversationSchema,
  diagnosis: SubscriberDiagnosisSchema,
  lastEventId: Type.String({ description: 'follow the events from here to miss nothing after the snapshot' }),
  events: Type.String({ description: 'the SSE stream', examples: ['/v1/conversations/c-1/events'] }),
  ws: Type.String({ description: 'the same events over WebSocket' }),
});

export const ConversationNowSchema = Type.Object({
  conversation: ConversationSchema,
  diagnosis: SubscriberDiagnosisSchema,
});
