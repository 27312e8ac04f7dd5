import { Type } from '@sinclair/typebox';
import type { IncidentTimeline } from '../incident-timeline.js';
import type { IncidentSubscriberPage } from '../../diagnosis/incident-subscribers.js';
import type { IncidentTreeLevel } from '../../diagnosis/incident-tree.js';
import { documents, IsoTime, StringEnum } from './api-schema.js';

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const StatusCounts = Type.Object(
  {
    devices: Count('every device beneath'),
    down: Count('unreachable'),
    degraded: Count('answering with open findings'),
    up: Count('answering, nothing found'),
    unknown: Count('not polled yet'),
  },
  { additionalProperties: false, description: 'What lies beneath a node, by status (the node not counted).' },
);

const TreeNode = Type.Object(
  {
    id: Type.String({ examples: ['an-0001'] }),
    kind: StringEnum(['cpe', 'access_node', 'base_station'] as const),
    model: Type.Optional(Type.String()),
    site: Type.Optional(Type.String()),
    status: StringEnum(['down', 'degraded', 'up', 'unknown'] as const, 'as the pollers judge it now'),
    affected: Type.Boolean({
      description: 'listed by the incident as cut off (its root, or unreachable below it)',
    }),
    children: Count('direct children: what expanding the node lists'),
    subscribers: Count('subscribers linked to this device itself'),
    below: StatusCounts,
  },
  { additionalProperties: false, description: 'One device of the tree, collapsed.' },
);

export const TreeLevelSchema = documents<IncidentTreeLevel>()(
  Type.Object(
    {
      incidentId: Type.String({ examples: ['outage:an-0001'] }),
      path: Type.Array(Type.String(), { description: "ids from the incident's root down to `node`" }),
      node: TreeNode,
      items: Type.Array(TreeNode, { description: "one page of the node's children, in id order" }),
      nextCursor: Type.Optional(Type.String({ description: 'pass as `cursor` for the next page' })),
    },
    { additionalProperties: false, description: 'A node of the incident and one page of its children.' },
  ),
);

export const SubscriberPageSchema = documents<IncidentSubscriberPage>()(
  Type.Object(
    {
      incidentId: Type.String({ examples: ['outage:an-0001'] }),
      total: Count('every affected subscriber, not only this page'),
      items: Type.Array(
        Type.Object(
          {
            id: Type.String({ examples: ['sub-000042'] }),
            name: Type.Optional(Type.String()),
            account: Type.Optional(Type.String()),
            deviceIds: Type.Array(Type.String()),
            openConversations: Count('conversations open with an agent now, any channel'),
          },
          { additionalProperties: false },
        ),
      ),
      nextCursor: Type.Optional(Type.String({ description: 'pass as `cursor` for the next page' })),
    },
    {
      additionalProperties: false,
      description: "A page of the incident's affected subscribers, in id order.",
    },
  ),
);

const TIMELINE_TYPES = [
  'first_failure',
  'opened',
  'devices',
  'kind',
  'cause',
  'eta',
  'note',
  'acknowledged',
  'resolved',
] as const;

const TimelineItem = Type.Object(
  {
    type: StringEnum(
      TIMELINE_TYPES,
      'first_failure: the first sign (when service was lost); opened: announced; devices: affected devices ' +
        'fell or came back; kind, cause: changed; eta, note: set or cleared by NOC; acknowledged; resolved',
    ),
    at: IsoTime(),
    cause: Type.Optional(Type.String({ description: 'first_failure: parent_down or children_unreachable' })),
    from: Type.Optional(
      Type.String({ description: 'eta, note, kind, cause: the value before (absent: unset)' }),
    ),
    to: Type.Optional(
      Type.String({ description: 'eta, note, kind, cause: the value after (absent: cleared)' }),
    ),
    by: Type.Optional(Type.String({ description: 'acknowledged: the role and key id' })),
    devices: Type.Optional(Count('opened, devices: affected devices after it')),
    subscribers: Type.Optional(Count('opened: affected subscribers')),
    added: Type.Optional(Count('devices: newly cut off')),
    removed: Type.Optional(Count('devices: back')),
    mergedInto: Type.Optional(Type.String({ description: 'resolved: the outage above that took it over' })),
  },
  { additionalProperties: false },
);

const AlertCounts = {
  queued: Count('routed to a subscription, not delivered yet (or retrying)'),
  delivered: Count('taken by the receiver'),
  dead: Count('failed every attempt: in the dead letters'),
};

export const TimelineSchema = documents<IncidentTimeline>()(
  Type.Object(
    {
      incidentId: Type.String({ examples: ['outage:an-0001'] }),
      state: StringEnum(['pending', 'open', 'resolved'] as const),
      items: Type.Array(TimelineItem, { description: 'oldest first' }),
      alerts: Type.Object(
        {
          ...AlertCounts,
          byEvent: Type.Object(
            {
              'incident.opened': Type.Object(AlertCounts, { additionalProperties: false }),
              'incident.updated': Type.Object(AlertCounts, { additionalProperties: false }),
              'incident.resolved': Type.Object(AlertCounts, { additionalProperties: false }),
            },
            { additionalProperties: false },
          ),
          firstAt: Type.Optional(IsoTime('the first alert a receiver took')),
          lastAt: Type.Optional(IsoTime('the last alert a receiver took')),
        },
        {
          additionalProperties: false,
          description: 'Alerts (webhooks, Alertmanager) sent for the incident.',
        },
      ),
    },
    { additionalProperties: false, description: "An incident's life, oldest first, and its alerts." },
  ),
);
