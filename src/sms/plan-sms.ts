import type { Incident, IncidentDiff } from '../correlation/index.js';
import type { Site, Subscriber } from '../inventory/index.js';
import { quietHoursEnd, type QuietHours } from './quiet-hours.js';
import type { SmsConfig } from './sms-config.js';
import { smsKey, type SmsKind, type SmsRecord } from './sms-record.js';
import { smsLanguage } from './sms-text.js';

export interface IncidentNews {
  type: 'opened' | 'updated' | 'resolved';
  incident: Incident;
  diff?: IncidentDiff;
}

export interface PlanInput {
  news: IncidentNews;
  /** The affected subscribers as the inventory has them (missing ones left out). */
  subscribers: readonly Subscriber[];
  sites: ReadonlyMap<string, Site>;
  /** The incident's records already stored, by key. */
  existing: ReadonlyMap<string, SmsRecord>;
  /** Outage notices this incident has queued so far (the cap counts them). */
  noticesSoFar: number;
  now: number;
  config: Pick<
    SmsConfig,
    'quietHours' | 'defaultTimeZone' | 'defaultLanguage' | 'plannedWorks' | 'maxPerIncident'
  >;
}

export interface SmsPlan {
  queue: SmsRecord[];
  /** Queued records that no longer matter: marked dropped, never sent. */
  drop: SmsRecord[];
  /** Subscribers past the per-incident cap: not told. */
  capped: number;
}

const wasSent = (record: SmsRecord | undefined): boolean =>
  record?.state === 'sent' || record?.state === 'unconfirmed';

/** Subscribers who can be told: a phone, no opt-out. */
const reachable = (s: Subscriber): s is Subscriber & { phone: string } =>
  typeof s.phone === 'string' && s.smsOptOut !== true;

function newRecord(input: PlanInput, subscriber: Subscriber & { phone: string }, kind: SmsKind): SmsRecord {
  const { incident } = input.news;
  const site = subscriber.site === undefined ? undefined : input.sites.get(subscriber.site);
  const timeZone = site?.timeZone ?? input.config.defaultTimeZone;
  return {
    key: smsKey(incident.id, subscriber.id, kind),
    incidentId: incident.id,
    subscriberId: subscriber.id,
    kind,
    phone: subscriber.phone,
    language: smsLanguage(subscriber.language, input.config.defaultLanguage),
    timeZone,
    state: 'queued',
    queuedAt: input.now,
    dueAt: quietHoursEnd(input.now, timeZone, input.config.quietHours),
  };
}

/** While the outage lasts: a notice to each reachable subscriber not told yet, and one ETA update to those told. */
function planOngoing(input: PlanInput): SmsPlan {
  const { incident, diff } = input.news;
  const queue: SmsRecord[] = [];
  let capped = 0;
  let room = Math.max(0, input.config.maxPerIncident - input.noticesSoFar);
  const etaChanged = diff?.eta !== undefined && incident.eta !== undefined;
  for (const subscriber of input.subscribers.filter(reachable)) {
    const notice = input.existing.get(smsKey(incident.id, subscriber.id, 'outage'));
    if (!notice) {
      if (room > 0) {
        queue.push(newRecord(input, subscriber, 'outage'));
        room -= 1;
      } else capped += 1;
      // A notice still queued will carry the new ETA itself: it is worded when it is sent.
    } else if (
      etaChanged &&
      wasSent(notice) &&
      !input.existing.has(smsKey(incident.id, subscriber.id, 'eta'))
    )
      queue.push(newRecord(input, subscriber, 'eta'));
  }
  return { queue, drop: [], capped };
}

/**
 * Over: "service restored" to those who were told, and whatever is still queued is dropped (an outage
 * that ended during the quiet hours is never announced). Not when a higher outage took this one over:
 * those subscribers are still cut off.
 */
function planResolved(input: PlanInput): SmsPlan {
  const { incident } = input.news;
  const queue: SmsRecord[] = [];
  const drop: SmsRecord[] = [];
  for (const record of input.existing.values()) {
    if (record.kind === 'restored') continue;
    if (record.state === 'queued') drop.push(record);
    else if (record.kind === 'outage' && wasSent(record) && incident.mergedInto === undefined) {
      if (!input.existing.has(smsKey(incident.id, record.subscriberId, 'restored')))
        queue.push(restoredRecord(record, input.now, input.config.quietHours));
    }
  }
  return { queue, drop, capped: 0 };
}

/** "Service restored" to the subscriber `told` speaks to (a notice sent, or possibly sent), due after quiet hours. */
export function restoredRecord(told: SmsRecord, now: number, quietHours: QuietHours | null): SmsRecord {
  const { incidentId, subscriberId, phone, language, timeZone } = told;
  return {
    key: smsKey(incidentId, subscriberId, 'restored'),
    incidentId,
    subscriberId,
    kind: 'restored',
    phone,
    language,
    timeZone,
    state: 'queued',
    queuedAt: now,
    dueAt: quietHoursEnd(now, timeZone, quietHours),
  };
}

/**
 * What one incident event means for SMS (pure): the opened and updated ones queue notices and the ETA
 * update, the resolved one queues "restored" and drops what was never sent. Planned works are told only
 * when configured; an outage past the per-incident cap tells the first subscribers and counts the rest.
 */
export function planSms(input: PlanInput): SmsPlan {
  const { type, incident } = input.news;
  if (type === 'resolved') return planResolved(input);
  if (incident.state !== 'open') return { queue: [], drop: [], capped: 0 };
  if (incident.suppressAlerts && !input.config.plannedWorks) return { queue: [], drop: [], capped: 0 };
  return planOngoing(input);
}
