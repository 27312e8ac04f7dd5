import { formatQuantity } from '../detection/format-evidence.js';
import type { AlertPayload } from './webhook.js';

/** One alert as Alertmanager's v2 API takes it (`postableAlert` in its OpenAPI spec). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

export interface AlertmanagerContext {
  /** The root device's site, from the inventory; left out when unknown. */
  site?: string;
  /** The console's base address, e.g. `https://vigil.noc.example/console/`. */
  consoleUrl?: string;
  now: number;
  /** How long a firing alert holds without being posted again (its endsAt). */
  validityMs: number;
}

/** The incident fields an alert reads, as the alert payload carries them (times in ISO 8601). */
interface PayloadIncident {
  id: string;
  kind: string;
  rootDeviceId: string;
  cause?: string;
  state?: string;
  openedAt: string;
  resolvedAt?: string;
  affectedDeviceIds?: string[];
  eta?: string;
  note?: string;
  acknowledgedBy?: string;
  mergedInto?: string;
  diff?: { kind?: { from: string; to: string } };
}

export const ALERTMANAGER_ALERTNAME = 'VigilOutage';

const SEVERITY: Record<string, string> = { outage: 'critical', planned_works: 'info' };

/**
 * The labels that name the alert to Alertmanager (its identity is the label set): the same for the
 * incident's whole life, so every post updates one alert. Only a change of kind (planned works that
 * turned into an outage) changes them, and alertmanagerAlerts then ends the old one.
 */
function labelsOf(incident: PayloadIncident, kind: string, site?: string): Record<string, string> {
  return {
    alertname: ALERTMANAGER_ALERTNAME,
    incident: incident.id,
    root_device: incident.rootDeviceId,
    ...(site ? { site } : {}),
    kind,
    severity: SEVERITY[kind] ?? 'warning',
  };
}

function consoleLink(consoleUrl: string | undefined, incident: PayloadIncident): string | undefined {
  if (!consoleUrl) return undefined;
  const base = consoleUrl.endsWith('/') ? consoleUrl : `${consoleUrl}/`;
  return `${base}#/noc/devices/${encodeURIComponent(incident.rootDeviceId)}`;
}

function annotationsOf(payload: AlertPayload, incident: PayloadIncident, context: AlertmanagerContext) {
  const subscribers = payload.affectedSubscribers.count;
  const devices = incident.affectedDeviceIds?.length ?? 0;
  const what = incident.kind === 'planned_works' ? 'Planned works' : 'Outage';
  const where = `${incident.rootDeviceId}${context.site ? ` (site ${context.site})` : ''}`;
  const link = consoleLink(context.consoleUrl, incident);
  const optional: Record<string, string | undefined> = {
    eta: incident.eta,
    note: incident.note,
    cause: incident.cause,
    acknowledged_by: incident.acknowledgedBy,
    merged_into: incident.mergedInto,
    console_url: link,
  };
  return {
    summary: `${what} under ${where}: ${formatQuantity(subscribers, 'subscriber')}, ${formatQuantity(devices, 'device')} affected`,
    description:
      `${what} under ${where} since ${incident.openedAt}` +
      (incident.eta ? `; expected back by ${incident.eta}` : '') +
      (incident.note ? `; ${incident.note}` : ''),
    subscribers_affected: String(subscribers),
    devices_affected: String(devices),
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v)) as Record<string, string>),
  };
}

/**
 * An incident event as Alertmanager alerts (pure): one alert named by stable labels, firing until
 * `now + validityMs` (Alertmanager resolves an alert whose endsAt lapses, so an open incident is posted
 * again before then, as Prometheus re-sends its firing alerts), or ended at the resolution. When an
 * update changed the kind, the alert under the old kind's labels is ended too, so it does not linger.
 */
export function alertmanagerAlerts(payload: AlertPayload, context: AlertmanagerContext): AlertmanagerAlert[] {
  const incident = payload.incident as unknown as PayloadIncident;
  const resolved = payload.type === 'incident.resolved' || incident.state === 'resolved';
  const now = new Date(context.now).toISOString();
  const endsAt = resolved
    ? (incident.resolvedAt ?? payload.at)
    : new Date(context.now + context.validityMs).toISOString();
  const link = consoleLink(context.consoleUrl, incident);
  const alert: AlertmanagerAlert = {
    labels: labelsOf(incident, incident.kind, context.site),
    annotations: annotationsOf(payload, incident, context),
    startsAt: incident.openedAt,
    endsAt,
    ...(link ? { generatorURL: link } : {}),
  };
  const formerKind = incident.diff?.kind?.from;
  if (!formerKind || formerKind === incident.kind) return [alert];
  return [{ ...alert, labels: labelsOf(incident, formerKind, context.site), endsAt: now }, alert];
}
