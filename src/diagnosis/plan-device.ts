import type { Incident } from '../correlation/index.js';
import type { Finding } from '../detection/index.js';
import type { Device } from '../inventory/index.js';
import {
  plan,
  type Language,
  type PlanIncident,
  type PlanInput,
  type Playbook,
  type RebootHistory,
} from '../playbooks/index.js';
import type { DevicePlan } from './reconcile-suggestions.js';

const NO_HISTORY: RebootHistory = { rebootsAt: [], rebootOutcomes: [] };

/** What was gathered about one device, from Redis (API, CLI) or the advisor's memory. */
export interface DeviceFacts {
  device: Device;
  /** Parent, grandparent, … (an incident on any of them covers the device). */
  ancestorIds: readonly string[];
  subscriberIds: string[];
  findings: readonly Finding[];
  history?: RebootHistory;
  concurrentRebootsUnderParent: number;
  /**
   * An outage over the device resolved a moment ago: its unreachable finding, opened under the outage,
   * is held until then, so a router still coming back gets its chance before a power-cycle is advised.
   */
  unreachableHeldUntil?: number;
}

/**
 * One device's plan in every language, from the facts and the active incidents (pure). Correlation's
 * rule for inhibition holds here too: while an incident (settling or open) covers the device from above,
 * its own findings are kept and shown but not advised on.
 */
export function planDevice(
  playbooks: readonly Playbook[],
  facts: DeviceFacts,
  activeIncidents: readonly Incident[],
  now: number,
  /**
   * A device that has just stopped answering may be the first of a whole outage (its siblings and its
   * parent are polled a little later): its `unreachable` finding is held back this long (the outage
   * settle time) before anyone is advised to power-cycle it.
   */
  holdUnreachableMs = 0,
): DevicePlan & { input: PlanInput; settlingUntil?: number } {
  const { device } = facts;
  const covering = activeIncidents.filter(
    (i) =>
      i.rootDeviceId === device.id ||
      (facts.ancestorIds.includes(i.rootDeviceId) && affects(i, device.id, facts.subscriberIds)),
  );
  const inhibitedBy = covering.filter((i) => i.rootDeviceId !== device.id);
  const afterOutage = facts.unreachableHeldUntil !== undefined && now < facts.unreachableHeldUntil;
  const settling = facts.findings.filter(
    (f) => f.kind === 'unreachable' && (now - f.since < holdUnreachableMs || afterOutage),
  );
  const findings = facts.findings.map((f) => ({
    ...f,
    inhibited: inhibitedBy.length > 0 || settling.includes(f),
  }));
  const settlingUntil =
    inhibitedBy.length === 0 && settling.length > 0
      ? Math.max(
          ...settling.map((f) => f.since + holdUnreachableMs),
          afterOutage ? (facts.unreachableHeldUntil as number) : 0,
        )
      : undefined;
  const incidents = covering.map(planIncident);
  const input = (language: Language): PlanInput => ({
    now,
    device: {
      id: device.id,
      kind: device.kind,
      parentId: device.parentId,
      ...(device.model !== undefined ? { model: device.model } : {}),
    },
    findings,
    incidents,
    history: facts.history ?? NO_HISTORY,
    concurrentRebootsUnderParent: facts.concurrentRebootsUnderParent,
    reachable: !facts.findings.some((f) => f.kind === 'unreachable'),
    language,
  });
  const main = plan(playbooks, input('en'));
  return {
    deviceId: device.id,
    subscriberIds: facts.subscriberIds,
    suggestions: main.suggestions,
    texts: main.texts,
    trace: main.trace,
    findings,
    incidents,
    input: input('en'),
    ...(settlingUntil !== undefined ? { settlingUntil } : {}),
  };
}

/** An incident as the playbooks see it: open or settling, its ETA as a time, the NOC's note. */
function planIncident(i: Incident): PlanIncident {
  const eta = i.eta === undefined ? Number.NaN : Date.parse(i.eta);
  return {
    id: i.id,
    kind: i.kind,
    open: i.state === 'open',
    ...(Number.isFinite(eta) ? { eta } : {}),
    ...(i.note !== undefined ? { note: i.note } : {}),
  };
}

const affectedSets = new WeakMap<Incident, { devices: Set<string>; subscribers: Set<string> }>();

/**
 * Whether an incident above a device reaches it: the device is one of its affected devices, or serves
 * one of its affected subscribers. A device that answers under a silent parent is neither (its
 * subscribers have service, see correlate): it gets no outage notice and its own findings are advised on.
 */
function affects(incident: Incident, deviceId: string, subscriberIds: readonly string[]): boolean {
  let sets = affectedSets.get(incident);
  if (!sets) {
    sets = {
      devices: new Set(incident.affectedDeviceIds),
      subscribers: new Set(incident.affectedSubscriberIds),
    };
    affectedSets.set(incident, sets);
  }
  const { devices, subscribers } = sets;
  return devices.has(deviceId) || subscriberIds.some((id) => subscribers.has(id));
}
