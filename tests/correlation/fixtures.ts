import type { Finding, FindingKind } from '../../src/detection/index.js';
import {
  correlate,
  topologyFromInventory,
  type CorrelateOutput,
  type CorrelationConfig,
  type CorrelationTopology,
  type Incident,
  type IncidentChange,
  type MaintenanceWindow,
} from '../../src/correlation/index.js';

/** The fake clock's epoch: every test time is T0 + offset. */
export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
export const SECOND = 1000;

export interface Fleet {
  topology: CorrelationTopology;
  /** Child device ids, in order. */
  children: string[];
  subscribers: string[];
}

/** A parent with `count` CPEs under it, one subscriber per CPE ("cpe-007" ← "sub-007"). */
export function star(parent: string, count: number, site = 'site-a'): Fleet {
  const pad = String(count).length;
  const children = Array.from({ length: count }, (_, i) => `cpe-${String(i + 1).padStart(pad, '0')}`);
  const subscribers = children.map((c) => c.replace('cpe-', 'sub-'));
  const devices = [
    { id: parent, parentId: null, site },
    ...children.map((id) => ({ id, parentId: parent, site })),
  ];
  const subs = children.map((id, i) => ({ id: subscribers[i] ?? '', deviceIds: [id] }));
  return { topology: topologyFromInventory(devices, subs), children, subscribers };
}

/**
 * bs-1 → an-1, an-2; each access node has three CPEs (an-1-cpe-1 …) with one subscriber each, and one
 * subscriber hangs on the base station directly (a fixed-wireless customer).
 */
export function tree(): CorrelationTopology {
  const devices = [
    { id: 'bs-1', parentId: null, site: 'site-a' },
    { id: 'an-1', parentId: 'bs-1', site: 'site-a' },
    { id: 'an-2', parentId: 'bs-1', site: 'site-b' },
  ];
  const subscribers = [{ id: 'sub-bs', deviceIds: ['bs-1'] }];
  for (const an of ['an-1', 'an-2']) {
    for (let i = 1; i <= 3; i++) {
      devices.push({ id: `${an}-cpe-${i}`, parentId: an, site: 'site-a' });
      subscribers.push({ id: `sub-${an}-${i}`, deviceIds: [`${an}-cpe-${i}`] });
    }
  }
  return topologyFromInventory(devices, subscribers);
}

export function finding(deviceId: string, kind: FindingKind = 'unreachable', since = T0): Finding {
  return {
    id: `${deviceId}:${kind}`,
    deviceId,
    kind,
    severity: 'critical',
    since,
    updatedAt: since,
    evidence: { summary: `${deviceId} ${kind}`, values: {} },
  };
}

/** Open findings by device: each device listed is unreachable, plus any extra findings given. */
export function findings(
  unreachable: readonly string[],
  extra: readonly Finding[] = [],
): Map<string, Finding[]> {
  const map = new Map<string, Finding[]>();
  for (const f of [...unreachable.map((id) => finding(id)), ...extra]) {
    map.set(f.deviceId, [...(map.get(f.deviceId) ?? []), f]);
  }
  return map;
}

export interface Step {
  /** Seconds after T0. */
  at: number;
  /** The devices unreachable at that moment. */
  down: readonly string[];
  extra?: readonly Finding[];
  /** The devices whose last poll answered (status up or degraded) at that moment. */
  answering?: readonly string[];
  /** The parents whose silence an outage check confirmed at that moment. */
  confirmedSilent?: readonly string[];
  /** Applied to the incidents before this step, as NOC would between steps. */
  edit?: (incidents: Incident[]) => Incident[];
}

export interface Run {
  log: string[];
  changes: IncidentChange[];
  last: CorrelateOutput;
}

/** Feeds each step's output incidents into the next, like the wiring will; logs "<at>s <type> <id>". */
export function run(
  topology: CorrelationTopology,
  steps: readonly Step[],
  options: { maintenance?: MaintenanceWindow[]; config?: Partial<CorrelationConfig> } = {},
): Run {
  let incidents: Incident[] = [];
  let last: CorrelateOutput | undefined;
  const log: string[] = [];
  const changes: IncidentChange[] = [];
  for (const step of steps) {
    last = correlate({
      now: T0 + step.at * SECOND,
      topology,
      findingsByDevice: findings(step.down, step.extra),
      incidents: step.edit ? step.edit(incidents) : incidents,
      maintenance: options.maintenance ?? [],
      ...(step.answering ? { answering: new Set(step.answering) } : {}),
      ...(step.confirmedSilent ? { confirmedSilent: new Set(step.confirmedSilent) } : {}),
      ...(options.config ? { config: options.config } : {}),
    });
    incidents = last.incidents;
    changes.push(...last.changes);
    log.push(...last.changes.map((c) => `${step.at}s ${c.type} ${c.incident.id}`));
  }
  if (!last) throw new Error('run needs at least one step');
  return { log, changes, last };
}

export function only<T>(items: readonly T[]): T {
  if (items.length !== 1) throw new Error(`expected exactly one, got ${items.length}`);
  return items[0] as T;
}
