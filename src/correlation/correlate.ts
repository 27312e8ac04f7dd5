import type { Finding } from '../detection/index.js';
import { activeWindow } from './active-window.js';
import { DEFAULT_CORRELATION_CONFIG, type CorrelationConfig } from './correlation-config.js';
import type { CorrelationTopology } from './correlation-topology.js';
import { diffIncident } from './diff-incident.js';
import { findOutageRoots, highestRootOver, isDownFinding, outageHolds } from './find-outage-roots.js';
import {
  incidentId,
  type Incident,
  type IncidentCause,
  type IncidentChange,
  type MaintenanceWindow,
} from './incident.js';

export interface CorrelateInput {
  /** ms since epoch; the only clock correlation sees. */
  now: number;
  topology: CorrelationTopology;
  /** The open findings, by device. */
  findingsByDevice: ReadonlyMap<string, readonly Finding[]>;
  /** The incidents still pending or open after the previous step (resolved ones are ignored). */
  incidents: readonly Incident[];
  maintenance: readonly MaintenanceWindow[];
  /**
   * Devices whose last poll answered (status up or degraded): evidence that they and their subscribers
   * have service. A silent parent over answering devices is no outage of them (see silenceStands), and
   * an outage never lists a subscriber with an answering device. Absent: no such evidence.
   */
  answering?: ReadonlySet<string>;
  /**
   * Parents whose silence an outage check confirmed since it began: the parent and most of a sample of
   * its children failed together, twice (once after a trap announced it). An outage at such a root opens
   * at once instead of settling, unless a device below it answers (then the root is ambiguous).
   */
  confirmedSilent?: ReadonlySet<string>;
  config?: Partial<CorrelationConfig>;
}

export interface CorrelateOutput {
  /** Pending and open incidents after this step, by id. */
  incidents: Incident[];
  changes: IncidentChange[];
  /** Ids of findings on devices below a pending or open incident's root: kept and shown, not advised on. */
  inhibited: Set<string>;
}

/**
 * One step of correlation: the open findings and the current incidents → the next incidents, what
 * changed, and which findings they inhibit. Pure and idempotent: the same input twice gives the same
 * output, so the caller may run it on every poll batch or on a timer.
 */
export function correlate(input: CorrelateInput): CorrelateOutput {
  const config = { ...DEFAULT_CORRELATION_CONFIG, ...input.config };
  const { now, topology } = input;
  const answering = input.answering ?? new Set<string>();
  const { candidates, roots } = findOutageRoots(input.findingsByDevice, topology, config, answering);

  const next = new Map<string, Incident>();
  const changes: IncidentChange[] = [];
  const takenOver = new Map<string, Incident[]>();
  const previousByRoot = new Map<string, Incident>();

  for (const incident of input.incidents) {
    if (incident.state === 'resolved') continue;
    const over = highestRootOver(incident.rootDeviceId, candidates, topology);
    if (over !== undefined && over !== incident.rootDeviceId) {
      takenOver.set(over, [...(takenOver.get(over) ?? []), incident]);
      if (incident.state === 'open') changes.push(resolve(incident, now, incidentId(over)));
      continue;
    }
    previousByRoot.set(incident.rootDeviceId, incident);
  }

  for (const [root, previous] of previousByRoot) {
    const holds = outageHolds(root, input.findingsByDevice, topology, config, answering);
    const cause = candidates.get(root) ?? (holds ? previous.cause : undefined);
    const stepped = stepExisting(previous, cause, input, config);
    if (stepped.change) changes.push(stepped.change);
    if (stepped.incident) next.set(stepped.incident.id, stepped.incident);
  }

  for (const [root, cause] of roots) {
    if (previousByRoot.has(root)) continue;
    const pending = describe(root, cause, input, {
      ...inherited(takenOver.get(root) ?? []),
      id: incidentId(root),
      state: 'pending',
      openedAt: Math.min(now, ...(takenOver.get(root) ?? []).map((i) => i.openedAt)),
      updatedAt: now,
    });
    const settled = settle(pending, now, config, confirmedAtRoot(pending, input));
    if (settled.state === 'open') changes.push({ type: 'opened', at: now, incident: settled });
    next.set(settled.id, settled);
  }

  const incidents = [...next.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { incidents, changes: sortChanges(changes), inhibited: inhibitedFindings(incidents, input) };
}

/** The next version of an incident that was already there, and the change to announce, if any. */
function stepExisting(
  previous: Incident,
  cause: IncidentCause | undefined,
  input: CorrelateInput,
  config: CorrelationConfig,
): { incident?: Incident; change?: IncidentChange } {
  const { now } = input;
  // A sign that vanished before it settled was a blip: it was never announced, so it just goes.
  if (cause === undefined && previous.state === 'pending') return {};

  const recoveringSince = cause === undefined ? (previous.recoveringSince ?? now) : undefined;
  const described = describe(previous.rootDeviceId, cause ?? previous.cause, input, {
    ...carried(previous),
    ...(recoveringSince !== undefined ? { recoveringSince } : {}),
  });
  // Once announced, an outage keeps every subscriber it told until it resolves, though their equipment
  // answers again as power comes back: events reach the subscribers they name, so each conversation
  // that got the notice also gets the resolution. One whose equipment answers is never added.
  const current =
    previous.state === 'open'
      ? {
          ...described,
          affectedSubscriberIds: sortedUnion(previous.affectedSubscriberIds, described.affectedSubscriberIds),
        }
      : described;

  if (recoveringSince !== undefined && now - recoveringSince >= config.resolveAfterMs) {
    return { change: resolve(current, now) };
  }
  if (previous.state === 'pending') {
    const settled = settle(current, now, config, confirmedAtRoot(current, input));
    if (settled.state === 'open') {
      const opened = { ...settled, updatedAt: now };
      return { incident: opened, change: { type: 'opened', at: now, incident: opened } };
    }
    return { incident: settled };
  }
  const diff = diffIncident(previous, current);
  if (diff === null) return { incident: current };
  const updated = { ...current, updatedAt: now };
  return { incident: updated, change: { type: 'updated', at: now, diff, incident: updated } };
}

type NocFields = Partial<Pick<Incident, 'eta' | 'note' | 'acknowledgedBy' | 'acknowledgedAt'>>;

/** What survives a step untouched: identity, timeline and everything NOC set. */
function carried(previous: Incident): Pick<Incident, 'id' | 'state' | 'openedAt' | 'updatedAt'> & NocFields {
  const { id, state, openedAt, updatedAt } = previous;
  return { id, state, openedAt, updatedAt, ...nocFields(previous) };
}

/**
 * A higher outage that takes lower ones over inherits their first sign (so the subscribers' outage time
 * is kept and an outage already announced does not settle all over again) and what NOC told about them:
 * the crew and the ETA are usually the same.
 */
function inherited(merged: readonly Incident[]): NocFields {
  const earliestFirst = [...merged].sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
  // Right to left, so the earliest incident's fields are applied last and win.
  return earliestFirst.reduceRight<NocFields>(
    (fields, incident) => ({ ...fields, ...nocFields(incident) }),
    {},
  );
}

function nocFields(incident: Incident): NocFields {
  const { eta, note, acknowledgedBy, acknowledgedAt } = incident;
  return {
    ...(eta !== undefined ? { eta } : {}),
    ...(note !== undefined ? { note } : {}),
    ...(acknowledgedBy !== undefined ? { acknowledgedBy } : {}),
    ...(acknowledgedAt !== undefined ? { acknowledgedAt } : {}),
  };
}

type Carried = Pick<Incident, 'id' | 'state' | 'openedAt' | 'updatedAt'> & Partial<Incident>;

/** The incident as the network looks now: affected devices and subscribers, kind from maintenance. */
function describe(root: string, cause: IncidentCause, input: CorrelateInput, base: Carried): Incident {
  const { topology, findingsByDevice, now } = input;
  const below = topology.descendantsOf(root);
  const affected = [root, ...below.filter((id) => (findingsByDevice.get(id) ?? []).some(isDownFinding))];
  const window = activeWindow(root, input.maintenance, topology, now);
  // A subscriber whose own equipment answers has service: never affected, never sent a notice.
  const served = new Set(topology.subscribersOf(below.filter((id) => input.answering?.has(id))));
  return {
    ...base,
    kind: window ? 'planned_works' : 'outage',
    rootDeviceId: root,
    cause,
    affectedDeviceIds: [...new Set(affected)].sort(),
    affectedSubscriberIds: topology
      .subscribersOf([root, ...below])
      .filter((id) => !served.has(id))
      .sort(),
    suppressAlerts: window !== undefined,
    ...(window ? { maintenanceWindowId: window.id } : {}),
  };
}

/** Pending until the settle time has passed, or at once when the root's silence is confirmed. */
function settle(incident: Incident, now: number, config: CorrelationConfig, confirmed: boolean): Incident {
  return confirmed || now - incident.openedAt >= config.settleMs ? { ...incident, state: 'open' } : incident;
}

/**
 * Whether the outage may skip its settle time: its root is down itself (not a share of its children
 * under an answering parent), an outage check confirmed that silence, and nothing below it answers.
 */
function confirmedAtRoot(incident: Incident, input: CorrelateInput): boolean {
  if (incident.cause !== 'parent_down' || input.confirmedSilent?.has(incident.rootDeviceId) !== true)
    return false;
  const answering = input.answering;
  return !answering || !input.topology.descendantsOf(incident.rootDeviceId).some((id) => answering.has(id));
}

function resolve(incident: Incident, now: number, mergedInto?: string): IncidentChange {
  const resolved: Incident = {
    ...incident,
    state: 'resolved',
    resolvedAt: now,
    updatedAt: now,
    ...(mergedInto !== undefined ? { mergedInto } : {}),
  };
  return { type: 'resolved', at: now, incident: resolved };
}

/** Resolutions first, so a consumer never sees two live outages over the same subscribers. */
function sortChanges(changes: IncidentChange[]): IncidentChange[] {
  const order = { resolved: 0, opened: 1, updated: 2 } as const;
  return changes.sort((a, b) => order[a.type] - order[b.type] || a.incident.id.localeCompare(b.incident.id));
}

function inhibitedFindings(incidents: readonly Incident[], input: CorrelateInput): Set<string> {
  const inhibited = new Set<string>();
  for (const incident of incidents) {
    for (const deviceId of input.topology.descendantsOf(incident.rootDeviceId)) {
      // A device that answers is not under the outage: its own trouble is still advised on — but not
      // its unreachable finding, still open while it comes back (it clears after a few answers): that
      // one the outage explains, and a power-cycle advised for it would be withdrawn a poll later.
      const answers = input.answering?.has(deviceId) === true;
      for (const finding of input.findingsByDevice.get(deviceId) ?? [])
        if (!answers || isDownFinding(finding)) inhibited.add(finding.id);
    }
  }
  return inhibited;
}

function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
