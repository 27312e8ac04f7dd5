import { describe, expect, it } from 'vitest';
import { createAlertmanagerRepost } from '../../src/alerts/alertmanager-repost.js';
import type { Delivery, WebhookSubscription } from '../../src/alerts/webhook.js';
import type { Incident } from '../../src/correlation/index.js';
import { Secret } from '../../src/shared/secret.js';

const target = (id: string, extra: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id,
  kind: 'alertmanager',
  url: 'http://am:9093/',
  events: ['incident.opened', 'incident.updated', 'incident.resolved'],
  includePlannedWorks: false,
  description: '',
  createdAt: 0,
  createdBy: 'admin',
  ...extra,
});

const incident = (id: string, extra: Partial<Incident> = {}): Incident => ({
  id,
  kind: 'outage',
  rootDeviceId: id.split(':')[1]!,
  cause: 'parent_down',
  state: 'open',
  openedAt: 1_000,
  updatedAt: 1_000,
  affectedDeviceIds: [],
  affectedSubscriberIds: [],
  suppressAlerts: false,
  ...extra,
});

function fakeStore(targets: WebhookSubscription[], pending: Record<string, number> = {}) {
  const queued: Delivery[] = [];
  return {
    queued,
    list: () => Promise.resolve(targets.map((subscription) => ({ subscription, secret: new Secret('') }))),
    enqueue: (_id: string, deliveries: readonly Delivery[]) => {
      queued.push(...deliveries);
      return Promise.resolve();
    },
    pendingCount: (id: string) => Promise.resolve(pending[id] ?? 0),
  };
}

describe('createAlertmanagerRepost', () => {
  it('re-posts each open incident to each Alertmanager target, marked as a refresh', async () => {
    const store = fakeStore([target('am-1'), target('wh-1', { kind: 'webhook' }), target('am-2')]);
    const pumps: string[] = [];
    const repost = createAlertmanagerRepost({
      store,
      activeIncidents: () =>
        Promise.resolve([incident('outage:bs-1'), incident('outage:bs-2', { state: 'pending' })]),
      ensurePump: (id) => Promise.resolve(void pumps.push(id)),
      now: () => 5_000,
    });
    expect(await repost()).toBe(2);
    expect(store.queued.map((d) => [d.subscriptionId, d.payload.incident.id, d.refresh, d.id])).toEqual([
      ['am-1', 'outage:bs-1', true, 'am-1:refresh-5000:outage:bs-1'],
      ['am-2', 'outage:bs-1', true, 'am-2:refresh-5000:outage:bs-1'],
    ]);
    expect(pumps).toEqual(['am-1', 'am-2']);
  });

  it('skips a target with alerts still waiting, and planned works unless the target asked for them', async () => {
    const store = fakeStore([target('am-busy'), target('am-works', { includePlannedWorks: true })], {
      'am-busy': 3,
    });
    const repost = createAlertmanagerRepost({
      store,
      activeIncidents: () =>
        Promise.resolve([incident('outage:bs-9', { kind: 'planned_works', suppressAlerts: true })]),
      ensurePump: () => Promise.resolve(),
    });
    expect(await repost()).toBe(1);
    expect(store.queued.map((d) => d.subscriptionId)).toEqual(['am-works']);
  });
});
