import { Type } from '@sinclair/typebox';
import { INCIDENT_KINDS, type Incident, type IncidentSummary } from '../../correlation/index.js';
import { documents, IsoTime, Record_, StringEnum } from './api-schema.js';

export const IncidentSchema = documents<Incident>()(
  Record_(
    {
      id: Type.String({
        description: '`outage:<rootDeviceId>`, whatever the kind',
        examples: ['outage:bs-0002'],
      }),
      kind: StringEnum(INCIDENT_KINDS, 'planned_works while a maintenance window covers the root'),
      rootDeviceId: Type.String(),
      cause: StringEnum(['parent_down', 'children_unreachable'] as const),
      state: StringEnum(['pending', 'open', 'resolved'] as const),
      openedAt: IsoTime('the first sign of trouble: when the subscribers lost service'),
      updatedAt: IsoTime('the last change worth telling anyone about'),
      resolvedAt: Type.Optional(IsoTime()),
      recoveringSince: Type.Optional(IsoTime('the root is back; resolves once it stays so')),
      affectedDeviceIds: Type.Array(Type.String(), {
        description: 'the root and every unreachable device below it',
      }),
      affectedSubscriberIds: Type.Array(Type.String(), {
        description: 'subscribers behind the root without a device that answers',
      }),
      eta: Type.Optional(IsoTime('set by NOC')),
      note: Type.Optional(Type.String({ description: 'set by NOC; agents read it to subscribers' })),
      acknowledgedBy: Type.Optional(
        Type.String({ description: '`<role>:<keyId>` of the NOC key that took it' }),
      ),
      acknowledgedAt: Type.Optional(IsoTime()),
      maintenanceWindowId: Type.Optional(Type.String()),
      suppressAlerts: Type.Boolean({ description: 'planned works: agents are told, no alert is sent' }),
      mergedInto: Type.Optional(
        Type.String({ description: 'resolved because this higher outage took it over' }),
      ),
    },
    'Correlated trouble with a lifecycle: an outage (or planned works) under one root device.',
  ),
);

const {
  affectedDeviceIds: _devices,
  affectedSubscriberIds: _subscribers,
  ...sharedFields
} = IncidentSchema.properties;

export const IncidentSummarySchema = documents<IncidentSummary>()(
  Record_(
    {
      ...sharedFields,
      affectedDevices: Type.Integer({
        minimum: 0,
        description: 'the root and every unreachable device below it',
      }),
      affectedSubscribers: Type.Integer({
        minimum: 0,
        description: 'subscribers behind the root without a device that answers',
      }),
    },
    "An incident as a subscriber's or device's diagnosis carries it: counts, not the affected lists (those are at /v1/incidents/{id}).",
  ),
);
