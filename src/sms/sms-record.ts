/**
 * Outage SMS: what Vigil tells an affected subscriber, one record per incident, subscriber and kind, so a
 * subscriber gets at most one of each whatever restarts or replays happen. The record is what the
 * diagnosis and the agent's conversation show ("the subscriber was told at 14:02").
 */
export const SMS_KINDS = ['outage', 'eta', 'restored'] as const;
/** outage: the notice (ETA when known); eta: one update when the ETA changes after it; restored: the end. */
export type SmsKind = (typeof SMS_KINDS)[number];

/**
 * queued: waiting for its time (quiet hours) and a send slot; sent: the SMS centre accepted every part;
 * dropped: not sent because it no longer mattered (resolved during quiet hours); failed: the SMS centre
 * refused it; unconfirmed: a worker died between claiming and recording it, so it may or may not have
 * gone out, and is never sent again (at most once).
 */
export type SmsState = 'queued' | 'sent' | 'dropped' | 'failed' | 'unconfirmed';

export interface SmsRecord {
  key: string;
  incidentId: string;
  subscriberId: string;
  kind: SmsKind;
  /** Normalized "+digits"; never in logs (personal data), shown only to agents and NOC. */
  phone: string;
  language: 'ru' | 'en';
  /** The site's IANA time zone: quiet hours and the ETA's wording. */
  timeZone: string;
  state: SmsState;
  queuedAt: number;
  /** When it may go out (after quiet hours). */
  dueAt: number;
  sentAt?: number;
  text?: string;
  /** The SMSC's id of each part, in order. */
  messageIds?: string[];
  /** Delivery receipts by message id: the SMSC's final state (DELIVRD, UNDELIV, EXPIRED…). */
  receipts?: Record<string, string>;
  reason?: string;
}

export function smsKey(incidentId: string, subscriberId: string, kind: SmsKind): string {
  return `${incidentId}|${subscriberId}|${kind}`;
}

/** Every part's receipt says DELIVRD: the handset has the whole message. */
export function isDelivered(record: SmsRecord): boolean {
  const ids = record.messageIds ?? [];
  return ids.length > 0 && ids.every((id) => record.receipts?.[id] === 'DELIVRD');
}

/** What an agent reads: the record without the stored internals. */
export interface SmsView {
  incidentId: string;
  kind: SmsKind;
  state: SmsState;
  phone: string;
  queuedAt: string;
  dueAt: string;
  sentAt?: string;
  text?: string;
  parts?: number;
  /** True once every part's receipt says DELIVRD. */
  delivered: boolean;
  receipts?: Record<string, string>;
}

export function smsView(record: SmsRecord): SmsView {
  const ids = record.messageIds ?? [];
  return {
    incidentId: record.incidentId,
    kind: record.kind,
    state: record.state,
    phone: record.phone,
    queuedAt: new Date(record.queuedAt).toISOString(),
    dueAt: new Date(record.dueAt).toISOString(),
    ...(record.sentAt === undefined ? {} : { sentAt: new Date(record.sentAt).toISOString() }),
    ...(record.text === undefined ? {} : { text: record.text }),
    ...(ids.length === 0 ? {} : { parts: ids.length }),
    delivered: isDelivered(record),
    ...(record.receipts ? { receipts: record.receipts } : {}),
  };
}
