import { describe, expect, it } from 'vitest';
import { routeAlerts } from '../../src/alerts/route-alerts.js';
import type { WebhookSubscription } from '../../src/alerts/webhook.js';
import type { StoredEvent } from '../../src/events/vigil-event.js';

const subscription = (id: string, extra: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id,
  url: `http://hooks.example.net/${id}`,
  events: ['incident.opened', 'incident.updated', 'incident.resolved'],
  includePlannedWorks: false,
  description: id,
  createdAt: 0,
  createdBy: 'admin',
  ...extra,
});

const event = (id: string, type: string, data: Record<string, unknown> = {}): StoredEvent =>
  ({
    id,
    type,
    at: Date.parse('2026-12-02T06:00:00Z'),
    subscriberIds: [],
    deviceIds: [],
    data: { id: `outage:${id}`, affectedSubscriberIds: ['sub-1'], ...data },
  }) as StoredEvent;

describe('routeAlerts', () => {
  it('gives every subscription the incident events it asked for, in order, with ids receivers dedupe on', () => {
    const routed = routeAlerts(
      [event('1-0', 'incident.opened'), event('2-0', 'incident.resolved')],
      [subscription('wh-a'), subscription('wh-b', { events: ['incident.resolved'] })],
    );
    expect(
      routed.map((r) => [r.subscriptionId, r.deliveries.map((d) => [d.id, d.event, d.attempts])]),
    ).toEqual([
      [
        'wh-a',
        [
          ['wh-a:1-0', 'incident.opened', 0],
          ['wh-a:2-0', 'incident.resolved', 0],
        ],
      ],
      ['wh-b', [['wh-b:2-0', 'incident.resolved', 0]]],
    ]);
    expect(routed[0]?.deliveries[0]).toMatchObject({
      eventId: '1-0',
      subscriptionId: 'wh-a',
      payload: { id: '1-0', type: 'incident.opened', incident: { id: 'outage:1-0' } },
    });
  });

  it('routes nothing but incident events', () => {
    expect(
      routeAlerts(
        [event('1-0', 'suggestion.created'), event('2-0', 'action.succeeded')],
        [subscription('wh-a')],
      ),
    ).toEqual([]);
  });

  it('sends planned works only to subscriptions that asked for them', () => {
    const routed = routeAlerts(
      [event('1-0', 'incident.opened', { kind: 'planned_works', suppressAlerts: true })],
      [subscription('wh-quiet'), subscription('wh-all', { includePlannedWorks: true })],
    );
    expect(routed.map((r) => r.subscriptionId)).toEqual(['wh-all']);
  });

  it('leaves out subscriptions that get nothing, and routes nothing to no one', () => {
    expect(
      routeAlerts(
        [event('1-0', 'incident.updated')],
        [subscription('wh-a', { events: ['incident.opened'] })],
      ),
    ).toEqual([]);
    expect(routeAlerts([event('1-0', 'incident.opened')], [])).toEqual([]);
  });
});
