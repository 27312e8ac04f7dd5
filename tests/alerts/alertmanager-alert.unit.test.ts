import { describe, expect, it } from 'vitest';
import { alertmanagerAlerts } from '../../src/alerts/alertmanager-alert.js';
import { alertmanagerAlertsUrl } from '../../src/alerts/send-to-alertmanager.js';
import type { AlertPayload } from '../../src/alerts/webhook.js';

const NOW = Date.parse('2026-03-01T10:00:00Z');
const context = {
  now: NOW,
  validityMs: 240_000,
  site: 'msk-12',
  consoleUrl: 'https://vigil.noc.example/console',
};

function payload(type: AlertPayload['type'], incident: Record<string, unknown> = {}): AlertPayload {
  return {
    id: '1-0',
    type,
    at: '2026-03-01T10:00:00.000Z',
    incident: {
      id: 'outage:bs-0001',
      kind: 'outage',
      rootDeviceId: 'bs-0001',
      cause: 'parent_down',
      state: 'open',
      openedAt: '2026-03-01T09:55:00.000Z',
      affectedDeviceIds: ['bs-0001', 'cpe-1', 'cpe-2'],
      ...incident,
    },
    affectedSubscribers: { count: 2, ids: ['s-1', 's-2'] },
  };
}

describe('alertmanagerAlerts', () => {
  it('names an open incident by stable labels and fires it until now + validity', () => {
    const [alert, ...rest] = alertmanagerAlerts(payload('incident.opened'), context);
    expect(rest).toEqual([]);
    expect(alert).toEqual({
      labels: {
        alertname: 'VigilOutage',
        incident: 'outage:bs-0001',
        root_device: 'bs-0001',
        site: 'msk-12',
        kind: 'outage',
        severity: 'critical',
      },
      annotations: {
        summary: 'Outage under bs-0001 (site msk-12): 2 subscribers, 3 devices affected',
        description: 'Outage under bs-0001 (site msk-12) since 2026-03-01T09:55:00.000Z',
        subscribers_affected: '2',
        devices_affected: '3',
        cause: 'parent_down',
        console_url: 'https://vigil.noc.example/console/#/noc/devices/bs-0001',
      },
      startsAt: '2026-03-01T09:55:00.000Z',
      endsAt: '2026-03-01T10:04:00.000Z',
      generatorURL: 'https://vigil.noc.example/console/#/noc/devices/bs-0001',
    });
  });

  it('counts agree in number: one device, one subscriber, thousands separated', () => {
    const one = payload('incident.opened', { rootDeviceId: 'cpe-1', affectedDeviceIds: ['cpe-1'] });
    const [single] = alertmanagerAlerts({ ...one, affectedSubscribers: { count: 1, ids: ['s-1'] } }, context);
    expect(single?.annotations.summary).toBe(
      'Outage under cpe-1 (site msk-12): 1 subscriber, 1 device affected',
    );
    const none = alertmanagerAlerts(
      { ...payload('incident.opened'), affectedSubscribers: { count: 0, ids: [] } },
      context,
    );
    expect(none[0]?.annotations.summary).toBe(
      'Outage under bs-0001 (site msk-12): 0 subscribers, 3 devices affected',
    );
    const big = alertmanagerAlerts(
      { ...payload('incident.opened'), affectedSubscribers: { count: 12_400, ids: [] } },
      context,
    );
    expect(big[0]?.annotations).toMatchObject({
      summary: 'Outage under bs-0001 (site msk-12): 12,400 subscribers, 3 devices affected',
      subscribers_affected: '12400',
    });
  });

  it('carries the ETA and the note, and keeps the labels when they change', () => {
    const opened = alertmanagerAlerts(payload('incident.opened'), context)[0]!;
    const [updated] = alertmanagerAlerts(
      payload('incident.updated', { eta: '2026-03-01T13:00:00.000Z', note: 'Crew on site' }),
      context,
    );
    expect(updated?.labels).toEqual(opened.labels);
    expect(updated?.annotations).toMatchObject({ eta: '2026-03-01T13:00:00.000Z', note: 'Crew on site' });
    expect(updated?.annotations.description).toContain(
      'expected back by 2026-03-01T13:00:00.000Z; Crew on site',
    );
  });

  it('ends a resolved incident at its resolution', () => {
    const [alert] = alertmanagerAlerts(
      payload('incident.resolved', { state: 'resolved', resolvedAt: '2026-03-01T09:59:30.000Z' }),
      context,
    );
    expect(alert?.endsAt).toBe('2026-03-01T09:59:30.000Z');
  });

  it('ends the alert of the former kind when planned works become an outage', () => {
    const alerts = alertmanagerAlerts(
      payload('incident.updated', { diff: { kind: { from: 'planned_works', to: 'outage' } } }),
      context,
    );
    expect(alerts.map((a) => [a.labels.kind, a.labels.severity, a.endsAt])).toEqual([
      ['planned_works', 'info', '2026-03-01T10:00:00.000Z'],
      ['outage', 'critical', '2026-03-01T10:04:00.000Z'],
    ]);
  });

  it('leaves out the site and links it does not know', () => {
    const [alert] = alertmanagerAlerts(payload('incident.opened'), { now: NOW, validityMs: 1_000 });
    expect(alert?.labels).not.toHaveProperty('site');
    expect(alert?.annotations).not.toHaveProperty('console_url');
    expect(alert).not.toHaveProperty('generatorURL');
  });
});

describe('alertmanagerAlertsUrl', () => {
  it('puts the v2 API under the base URL, a proxy path kept', () => {
    expect(alertmanagerAlertsUrl(new URL('http://am:9093')).toString()).toBe('http://am:9093/api/v2/alerts');
    expect(alertmanagerAlertsUrl(new URL('https://noc.example/alertmanager/')).toString()).toBe(
      'https://noc.example/alertmanager/api/v2/alerts',
    );
  });
});
