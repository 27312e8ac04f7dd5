import { isDelivered, SMS_KINDS, type SmsKind, type SmsRecord, type SmsState } from './sms-record.js';

/** One kind's SMS of an incident, by state; `delivered`: sent ones whose every part's receipt says DELIVRD. */
export type SmsCounts = Record<SmsState, number> & { delivered: number };

/** What NOC reads of one incident's SMS: how many subscribers were told, reached, updated, told it is over. */
export interface IncidentSmsSummary {
  incidentId: string;
  /** SMS records of the incident, every kind and state. */
  total: number;
  /** outage: the notices; eta: the updates; restored: "service restored". */
  kinds: Record<SmsKind, SmsCounts>;
  /** The latest submit the SMS centre accepted (ISO 8601), absent before the first. */
  lastSentAt?: string;
}

const emptyCounts = (): SmsCounts => ({
  queued: 0,
  sent: 0,
  dropped: 0,
  failed: 0,
  unconfirmed: 0,
  delivered: 0,
});

/** An incident's SMS records → counts per kind and state (pure). */
export function incidentSmsSummary(incidentId: string, records: readonly SmsRecord[]): IncidentSmsSummary {
  const kinds = Object.fromEntries(SMS_KINDS.map((kind) => [kind, emptyCounts()])) as Record<
    SmsKind,
    SmsCounts
  >;
  let lastSentAt = 0;
  for (const record of records) {
    const counts = kinds[record.kind];
    counts[record.state] += 1;
    if (record.state === 'sent' && isDelivered(record)) counts.delivered += 1;
    lastSentAt = Math.max(lastSentAt, record.sentAt ?? 0);
  }
  return {
    incidentId,
    total: records.length,
    kinds,
    ...(lastSentAt > 0 ? { lastSentAt: new Date(lastSentAt).toISOString() } : {}),
  };
}
