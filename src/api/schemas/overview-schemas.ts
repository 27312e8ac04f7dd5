import { Type } from '@sinclair/typebox';
import type { Overview } from '../../metrics/overview.js';
import { documents, IsoTime } from './api-schema.js';

const count = Type.Integer({ minimum: 0 });
/** A count within one minute; null when the minute or the next one was not sampled. */
const perMinute = (description?: string) =>
  Type.Union([count, Type.Null()], description ? { description } : {});

const StatusCounts = Type.Object({ unknown: count, up: count, degraded: count, down: count });

const MinutePoint = Type.Object(
  {
    at: IsoTime("the minute's start"),
    seconds: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description:
        "seconds between this minute's sample and the next: about 60, less for the first minute after start-up",
    }),
    polls: perMinute(),
    pollFailures: perMinute(
      'polls that got no usable answer (timeout, auth, transport, malformed, no credentials)',
    ),
    findingsOpened: perMinute(),
    findingsOpen: perMinute('devices with an open finding when the minute was sampled'),
    suggestionsMade: perMinute(),
    suggestionsAccepted: perMinute(),
    actionsSucceeded: perMinute(),
    actionsFailed: perMinute(),
    alertsDelivered: perMinute(),
    alertsRetried: perMinute(),
    alertsDead: perMinute(),
  },
  { description: 'counts within one minute; null where the minute or the next one was not sampled' },
);

const OverviewIncident = Type.Object({
  id: Type.String({ examples: ['outage:bs-0001'] }),
  kind: Type.Union([Type.Literal('outage'), Type.Literal('planned_works')]),
  state: Type.Union([Type.Literal('pending'), Type.Literal('open'), Type.Literal('resolved')]),
  rootDeviceId: Type.String(),
  subscribers: Type.Integer({ minimum: 0, description: 'subscribers affected' }),
  devices: Type.Integer({
    minimum: 0,
    description: 'devices affected (the root and the unreachable below it)',
  }),
  openedAt: IsoTime('first sign of trouble'),
  eta: Type.Optional(Type.String({ description: 'ISO 8601, set by NOC' })),
  acknowledgedBy: Type.Optional(Type.String()),
});

export const OverviewSchema = documents<Overview>()(
  Type.Object({
    at: IsoTime('when it was read'),
    fleet: Type.Array(
      Type.Object({
        kind: Type.Union([Type.Literal('cpe'), Type.Literal('access_node'), Type.Literal('base_station')]),
        total: count,
        byStatus: StatusCounts,
      }),
      {
        description: 'devices by kind and status; each kind adds up to its total, the kinds to the inventory',
      },
    ),
    incidents: Type.Object({
      total: Type.Integer({ minimum: 0, description: 'pending and open incidents' }),
      top: Type.Array(OverviewIncident, { description: 'up to 10, the most subscribers affected first' }),
    }),
    series: Type.Array(MinutePoint, {
      description: 'the last 60 complete minutes, oldest first: counts within each minute',
    }),
    pollLagSeconds: Type.Number({ minimum: 0, description: 'how late the most overdue device poll is' }),
    alerts: Type.Object({
      pending: Type.Integer({ minimum: 0, description: 'alerts waiting for delivery' }),
      deadLetters: Type.Integer({ minimum: 0, description: 'alerts that failed every attempt' }),
      subscriptions: Type.Integer({ minimum: 0, description: 'webhook subscriptions' }),
    }),
  }),
);
