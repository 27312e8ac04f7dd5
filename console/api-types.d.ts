/** A time as the API sends it: ISO 8601; epoch milliseconds from servers before the one time format. */
export type Instant = string | number;

/**
 * The shapes of the /v1 answers the console reads (see /docs for the whole contract). Only the fields
 * the console shows; everything else passes through untouched.
 */

export type Language = 'en' | 'ru';
export type Role = 'agent' | 'noc' | 'admin';

export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export interface Evidence {
  summary: string;
  values?: Record<string, unknown>;
}

export interface Finding {
  id: string;
  deviceId: string;
  kind: string;
  severity: string;
  /** ISO 8601 (older servers sent epoch milliseconds). */
  since: Instant;
  evidence: Evidence;
  inhibited?: boolean;
}

export interface Device {
  id: string;
  kind: string;
  model?: string;
  parentId?: string | null;
  site?: string;
  host?: string;
  profile?: string;
}

export interface RecentPoll {
  at: string;
  outcome: string;
  uptimeSeconds: number | null;
  cpuPercent: number | null;
  memoryPercent: number | null;
  temperatureCelsius: number | null;
  signalDbm: number | null;
  upstreamErrorsPerHour: number | null;
}

export interface DeviceState {
  status: string;
  lastPollAt?: string;
  lastOutcome?: string;
  uptimeSeconds?: number;
  findings: Finding[];
  recent?: RecentPoll[];
}

export interface DeviceDetail extends Device {
  state?: DeviceState;
}

export interface Incident {
  id: string;
  kind: string;
  state: string;
  rootDeviceId: string;
  cause: string;
  openedAt: Instant;
  updatedAt: Instant;
  resolvedAt?: Instant;
  affectedDeviceIds?: string[];
  affectedSubscriberIds?: string[];
  /** In a diagnosis and a conversation's stream: counts instead of the lists. */
  affectedDevices?: number;
  affectedSubscribers?: number;
  eta?: string;
  note?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: Instant;
}

/** Snapshots carry the text in the conversation's language; stream events carry both. */
export interface Suggestion {
  id: string;
  deviceId: string;
  kind: string;
  state: string;
  priority: number;
  text: string | Partial<Record<Language, string>>;
  evidence: Evidence[];
  updatedAt: Instant;
  closedAt?: Instant;
}

export interface Action {
  id: string;
  kind: string;
  suggestionId: string;
  state: string;
  requestedBy?: string;
  startedAt?: string;
  finishedAt?: string;
  outcome?: { result: string; reason?: string; ticketId?: string };
}

export interface Subscriber {
  id: string;
  name?: string;
  account?: string;
  phone?: string;
  language?: string;
}

export interface DeviceDiagnosis {
  device: Device;
  state?: DeviceState;
  findings: Finding[];
}

export interface Diagnosis {
  subscriber?: Subscriber;
  devices: DeviceDiagnosis[];
  incidents: Incident[];
  suggestions: Suggestion[];
}

export interface Conversation {
  id: string;
  subscriberId: string;
  channel: string;
  agentId: string;
  language: Language;
  state: string;
}

export interface Opened {
  conversation: Conversation;
  diagnosis: Diagnosis;
  lastEventId: string;
  events: string;
}

export interface StreamEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface MaintenanceWindow {
  id: string;
  deviceId?: string;
  site?: string;
  startsAt: string;
  endsAt: string;
  note?: string;
  createdBy?: string;
}

export interface ReportRow {
  group: Record<string, string>;
  closed: number;
  accepted: number;
  dismissed: number;
  unanswered: number;
  succeeded: number;
  failed: number;
  solved: number;
  cameBack72h: number;
  successRate: number | null;
  solvedRate: number | null;
  dismissReasons: Record<string, number>;
}

export interface InformingRow {
  group: Record<string, string>;
  closed: number;
  acknowledged: number;
  dismissed: number;
  delivered: number;
  failed: number;
  unanswered: number;
  acknowledgedRate: number | null;
  deliveredRate: number | null;
  dismissReasons: Record<string, number>;
}

export interface Report {
  from: string;
  to: string;
  by: string[];
  /** Actions that can fix something (remote_reboot, technician_visit): measured by solved. */
  solving: { kinds: string[]; rows: ReportRow[] };
  /** Notices and consultations: measured by taken up and delivered, never by solved. */
  informing: { kinds: string[]; rows: InformingRow[] };
  /** Every kind together (the earlier shape). */
  rows: ReportRow[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
