import { isDelivered, type SmsRecord } from './sms-record.js';

/** A contact this soon after the notice is the subscriber calling anyway (the notice did not spare it). */
export const CONTACT_AFTER_NOTICE_MS = 24 * 3_600_000;

export interface SmsReport {
  /** Incidents that queued at least one SMS. */
  incidents: number;
  /** Subscribers sent an outage notice (the SMS centre accepted it). */
  notified: number;
  /** Of those, the notices whose every part has a DELIVRD receipt. */
  delivered: number;
  etaUpdates: number;
  restored: number;
  /** Queued, then dropped: the outage ended during the quiet hours, so never announced. */
  dropped: number;
  failed: number;
  unconfirmed: number;
  /** Notified subscribers who still opened a conversation within 24 h after their notice. */
  contactedAfterNotice: number;
  /** contactedAfterNotice / notified (null with nobody notified). */
  contactedAfterNoticeRate: number | null;
}

/** Outage SMS records (of one period) and the subscribers' contacts → the report's SMS section (pure). */
export function smsReport(
  records: readonly SmsRecord[],
  contacts: ReadonlyMap<string, readonly number[]>,
): SmsReport {
  const notices = records.filter((r) => r.kind === 'outage' && r.state === 'sent');
  const count = (kind: SmsRecord['kind'], state: SmsRecord['state']): number =>
    records.filter((r) => r.kind === kind && r.state === state).length;
  const contacted = notices.filter((r) =>
    (contacts.get(r.subscriberId) ?? []).some(
      (at) => at > (r.sentAt ?? 0) && at <= (r.sentAt ?? 0) + CONTACT_AFTER_NOTICE_MS,
    ),
  ).length;
  return {
    incidents: new Set(records.map((r) => r.incidentId)).size,
    notified: notices.length,
    delivered: notices.filter(isDelivered).length,
    etaUpdates: count('eta', 'sent'),
    restored: count('restored', 'sent'),
    dropped: records.filter((r) => r.state === 'dropped').length,
    failed: records.filter((r) => r.state === 'failed').length,
    unconfirmed: records.filter((r) => r.state === 'unconfirmed').length,
    contactedAfterNotice: contacted,
    contactedAfterNoticeRate:
      notices.length === 0 ? null : Math.round((contacted / notices.length) * 1000) / 1000,
  };
}
