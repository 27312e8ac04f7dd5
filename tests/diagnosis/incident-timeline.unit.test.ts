import { describe, expect, it } from 'vitest';
import { incidentTimeline } from '../../src/api/incident-timeline.js';
import type { AlertLedgerEntry } from '../../src/alerts/incident-alert-ledger.js';
import type { Incident } from '../../src/correlation/index.js';
import { historyOfChange, historyOfEdit } from '../../src/diagnosis/incident-history.js';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const incident: Incident = {
  id: 'outage:an-1',
  kind: 'outage',
  rootDeviceId: 'an-1',
  cause: 'parent_down',
  state: 'pending',
  openedAt: T0,
  updatedAt: T0,
  affectedDeviceIds: ['an-1', 'cpe-1'],
  affectedSubscriberIds: ['sub-1'],
  suppressAlerts: false,
};

describe('an incident history', () => {
  it('keeps an ETA set while the incident is still pending, though nothing is announced', () => {
    const entries = historyOfEdit(incident, { ...incident, eta: '2026-12-02T12:00:00.000Z' }, T0 + 5);
    expect(entries).toEqual([{ type: 'eta', at: T0 + 5, to: '2026-12-02T12:00:00.000Z' }]);
  });

  it('records an announcement with its size, device moves as counts, and the end', () => {
    const open = { ...incident, state: 'open' as const };
    expect(historyOfChange({ type: 'opened', at: T0 + 90, incident: open })).toEqual([
      { type: 'opened', at: T0 + 90, devices: 2, subscribers: 1 },
    ]);
    const grown = { ...open, affectedDeviceIds: ['an-1', 'cpe-1', 'cpe-2', 'cpe-3'] };
    const diff = { affectedDevicesAdded: ['cpe-2', 'cpe-3'] };
    expect(historyOfChange({ type: 'updated', at: T0 + 99, incident: grown, diff })).toEqual([
      { type: 'devices', at: T0 + 99, added: 2, removed: 0, devices: 4 },
    ]);
    const merged = { ...open, state: 'resolved' as const, mergedInto: 'outage:bs-1' };
    expect(historyOfChange({ type: 'resolved', at: T0 + 200, incident: merged })).toEqual([
      { type: 'resolved', at: T0 + 200, mergedInto: 'outage:bs-1' },
    ]);
  });
});

describe('an incident timeline', () => {
  it('starts at the first failure and falls back on the record where the history has nothing', () => {
    const resolved: Incident = {
      ...incident,
      state: 'resolved',
      resolvedAt: T0 + 600,
      acknowledgedBy: 'noc:k1',
      acknowledgedAt: T0 + 100,
    };
    const timeline = incidentTimeline(resolved, [], []);
    expect(timeline.items).toEqual([
      { type: 'first_failure', at: T0, cause: 'parent_down' },
      { type: 'acknowledged', at: T0 + 100, by: 'noc:k1' },
      { type: 'resolved', at: T0 + 600 },
    ]);
  });

  it('counts the alerts of this episode only, by event and by what they came to', () => {
    const alerts: AlertLedgerEntry[] = [
      { event: 'incident.opened', subscriptionId: 'wh-1', state: 'delivered', at: T0 + 95 },
      { event: 'incident.opened', subscriptionId: 'wh-2', state: 'dead', at: T0 + 400 },
      { event: 'incident.updated', subscriptionId: 'wh-1', state: 'queued', at: T0 + 120 },
      // An earlier outage under the same root, resolved before this one's first failure.
      { event: 'incident.resolved', subscriptionId: 'wh-1', state: 'delivered', at: T0 - 3_600_000 },
    ];
    const { alerts: counts } = incidentTimeline(incident, [], alerts);
    expect(counts).toMatchObject({ queued: 1, delivered: 1, dead: 1, firstAt: T0 + 95, lastAt: T0 + 95 });
    expect(counts.byEvent['incident.resolved']).toEqual({ queued: 0, delivered: 0, dead: 0 });
    expect(counts.byEvent['incident.opened']).toEqual({ queued: 0, delivered: 1, dead: 1 });
  });
});
