import type { AlertLedgerEntry } from '../alerts/incident-alert-ledger.js';
import { ALERT_EVENTS, type AlertEvent } from '../alerts/webhook.js';
import type { Incident } from '../correlation/index.js';
import type { IncidentHistoryEntry } from '../diagnosis/incident-history.js';

/** One moment of an incident's life: its first failure, what its history recorded, its end. */
export type TimelineItem =
  { type: 'first_failure'; at: number; cause: Incident['cause'] } | IncidentHistoryEntry;

export interface AlertCounts {
  queued: number;
  delivered: number;
  dead: number;
}

export interface IncidentTimeline {
  incidentId: string;
  state: Incident['state'];
  items: TimelineItem[];
  /** The incident's alerts by what they came to; `queued`: still on their way (or retrying). */
  alerts: AlertCounts & {
    byEvent: Record<AlertEvent, AlertCounts>;
    firstAt?: number;
    lastAt?: number;
  };
}

const zero = (): AlertCounts => ({ queued: 0, delivered: 0, dead: 0 });

/**
 * The timeline from the incident record, its history and its alerts (pure). The record's own instants
 * stand where the history lacks them (an incident older than the history, or entries past its cap):
 * the first failure always, the acknowledgement and the resolution when the history has none.
 */
export function incidentTimeline(
  incident: Incident,
  history: readonly IncidentHistoryEntry[],
  alerts: readonly AlertLedgerEntry[],
): IncidentTimeline {
  const items: TimelineItem[] = [
    { type: 'first_failure', at: incident.openedAt, cause: incident.cause },
    ...history,
  ];
  const has = (type: TimelineItem['type']) => history.some((e) => e.type === type);
  if (incident.acknowledgedBy && incident.acknowledgedAt !== undefined && !has('acknowledged'))
    items.push({ type: 'acknowledged', at: incident.acknowledgedAt, by: incident.acknowledgedBy });
  if (incident.state === 'resolved' && incident.resolvedAt !== undefined && !has('resolved'))
    items.push({ type: 'resolved', at: incident.resolvedAt });
  // Stable: entries of one instant keep the order they were written in.
  items.sort((a, b) => a.at - b.at);
  // An outage that resolved and opened again keeps its id: alerts of the last episode are not this one's.
  const ours = alerts.filter((a) => a.at >= incident.openedAt);
  return { incidentId: incident.id, state: incident.state, items, alerts: countAlerts(ours) };
}

function countAlerts(entries: readonly AlertLedgerEntry[]): IncidentTimeline['alerts'] {
  const byEvent = Object.fromEntries(ALERT_EVENTS.map((e) => [e, zero()])) as Record<AlertEvent, AlertCounts>;
  const total = zero();
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  for (const entry of entries) {
    total[entry.state] += 1;
    const counts = byEvent[entry.event];
    if (counts) counts[entry.state] += 1;
    if (entry.state !== 'delivered') continue;
    firstAt = Math.min(firstAt ?? entry.at, entry.at);
    lastAt = Math.max(lastAt ?? entry.at, entry.at);
  }
  return {
    ...total,
    byEvent,
    ...(firstAt === undefined ? {} : { firstAt }),
    ...(lastAt === undefined ? {} : { lastAt }),
  };
}
