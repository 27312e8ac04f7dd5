import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/correlation/index.js';
import { planSms, type PlanInput } from '../../src/sms/plan-sms.js';
import { smsKey, type SmsRecord } from '../../src/sms/sms-record.js';

const NOW = Date.parse('2026-12-02T11:00:00Z');
const incident = (extra: Partial<Incident> = {}): Incident => ({
  id: 'outage:bs-1',
  kind: 'outage',
  rootDeviceId: 'bs-1',
  cause: 'parent_down',
  state: 'open',
  openedAt: NOW,
  updatedAt: NOW,
  affectedDeviceIds: ['bs-1'],
  affectedSubscriberIds: ['a', 'b', 'c'],
  suppressAlerts: false,
  ...extra,
});
const subscribers = ['a', 'b', 'c'].map((id, i) => ({ id, deviceIds: [], phone: `+7916000000${i}` }));

function input(extra: Partial<PlanInput> = {}): PlanInput {
  return {
    news: { type: 'opened', incident: incident() },
    subscribers,
    sites: new Map(),
    existing: new Map(),
    noticesSoFar: 0,
    now: NOW,
    config: {
      quietHours: null,
      defaultTimeZone: 'UTC',
      defaultLanguage: 'en',
      plannedWorks: false,
      maxPerIncident: 100,
    },
    ...extra,
  };
}

const sentNotice = (subscriberId: string): SmsRecord => ({
  key: smsKey('outage:bs-1', subscriberId, 'outage'),
  incidentId: 'outage:bs-1',
  subscriberId,
  kind: 'outage',
  phone: '+79160000000',
  language: 'en',
  timeZone: 'UTC',
  state: 'sent',
  queuedAt: NOW,
  dueAt: NOW,
  sentAt: NOW,
});

describe('planSms', () => {
  it('stops at the cap per incident and counts the rest', () => {
    const plan = planSms(input({ noticesSoFar: 99 }));
    expect(plan.queue.map((r) => r.subscriberId)).toEqual(['a']);
    expect(plan.capped).toBe(2);
  });

  it('tells nobody about planned works unless configured', () => {
    const planned = {
      type: 'opened' as const,
      incident: incident({ kind: 'planned_works', suppressAlerts: true }),
    };
    expect(planSms(input({ news: planned })).queue).toEqual([]);
    const base = input({ news: planned });
    expect(planSms({ ...base, config: { ...base.config, plannedWorks: true } }).queue).toHaveLength(3);
  });

  it('sends no "restored" when a higher outage took this one over', () => {
    const existing = new Map([['a', sentNotice('a')]].map(([, r]) => [(r as SmsRecord).key, r as SmsRecord]));
    const resolved = { type: 'resolved' as const, incident: incident({ state: 'resolved' }) };
    expect(planSms(input({ news: resolved, existing })).queue.map((r) => r.kind)).toEqual(['restored']);
    const merged = {
      type: 'resolved' as const,
      incident: incident({ state: 'resolved', mergedInto: 'outage:bs-0' }),
    };
    expect(planSms(input({ news: merged, existing })).queue).toEqual([]);
  });

  it('plans an ETA update only for those already told, and only once', () => {
    const existing = new Map([[smsKey('outage:bs-1', 'a', 'outage'), sentNotice('a')]]);
    const news = {
      type: 'updated' as const,
      incident: incident({ eta: '2026-12-02T15:00:00Z' }),
      diff: { eta: { to: '2026-12-02T15:00:00Z' } },
    };
    const plan = planSms(input({ news, existing }));
    expect(plan.queue.map((r) => [r.subscriberId, r.kind])).toEqual([
      ['a', 'eta'],
      ['b', 'outage'],
      ['c', 'outage'],
    ]);
    const eta = plan.queue[0] as SmsRecord;
    expect(
      planSms(input({ news, existing: new Map([...existing, [eta.key, eta]]) })).queue.map((r) => r.kind),
    ).not.toContain('eta');
  });
});
