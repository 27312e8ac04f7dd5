import type { Finding } from '../detection/index.js';
import type { CorrelationConfig } from './correlation-config.js';
import { ancestorsOf, type CorrelationTopology } from './correlation-topology.js';
import type { IncidentCause } from './incident.js';

export interface OutageRoots {
  /** Every device that shows an outage sign now, with its cause, nested ones included. */
  candidates: Map<string, IncidentCause>;
  /** The candidates with no candidate above them: where outages live. */
  roots: Map<string, IncidentCause>;
}

/** A device counts as down when detection says it does not answer, or that it is a base station with its cells off. */
export function isDownFinding(finding: Pick<Finding, 'kind'>): boolean {
  return finding.kind === 'unreachable' || finding.kind === 'base_station_down';
}

/**
 * The devices an outage hangs from: a parent that is down itself, or a parent with a large share of its
 * children unreachable together (it may still answer SNMP while its uplink or its radios are dead).
 * Nested signs collapse to the highest one, so an access node down under a dead base station is one
 * outage at the base station, not two.
 */
export function findOutageRoots(
  findingsByDevice: ReadonlyMap<string, readonly Finding[]>,
  topology: CorrelationTopology,
  config: CorrelationConfig,
  answering: ReadonlySet<string> = NO_EVIDENCE,
): OutageRoots {
  const down = new Set<string>();
  for (const [deviceId, findings] of findingsByDevice) {
    if (findings.some(isDownFinding)) down.add(deviceId);
  }

  const candidates = new Map<string, IncidentCause>();
  for (const deviceId of down) {
    const findings = findingsByDevice.get(deviceId) ?? [];
    // A CPE that is down is its own trouble; a device with children down takes them with it.
    const isParent =
      topology.childrenOf(deviceId).length > 0 || findings.some((f) => f.kind === 'base_station_down');
    if (isParent && silenceStands(deviceId, findingsByDevice, topology, config, answering))
      candidates.set(deviceId, 'parent_down');
  }

  const parentsOfDown = new Set<string>();
  for (const deviceId of down) {
    const parent = topology.parentOf(deviceId);
    if (parent !== null) parentsOfDown.add(parent);
  }
  for (const parent of parentsOfDown) {
    if (candidates.has(parent)) continue;
    if (childrenShareDown(parent, down, topology, config)) candidates.set(parent, 'children_unreachable');
  }

  const roots = new Map<string, IncidentCause>();
  for (const [deviceId, cause] of candidates) {
    if (!ancestorsOf(topology, deviceId).some((a) => candidates.has(a))) roots.set(deviceId, cause);
  }
  return { candidates, roots };
}

const NO_EVIDENCE: ReadonlySet<string> = new Set();

/**
 * Whether a parent's own down sign is an outage of what hangs below it. A base station reporting its
 * cells off (it answers) speaks for its service, so that always stands. A parent that merely stops answering SNMP
 * may have lost only its management plane (filtered, or a made-up parent in the inventory) while its
 * children carry traffic: its silence stands when no device below answers (all silent, or no
 * evidence at all yet), and when devices below answer only if the silent ones are at least
 * `childShareThreshold` of those with evidence. Otherwise it is the parent's own `unreachable`, no outage.
 */
export function silenceStands(
  parent: string,
  findingsByDevice: ReadonlyMap<string, readonly Finding[]>,
  topology: CorrelationTopology,
  config: CorrelationConfig,
  answering: ReadonlySet<string>,
): boolean {
  const own = findingsByDevice.get(parent) ?? [];
  // base_station_down is raised by two judgements: the cells (the station answers and says its radios
  // are off: evidence `cellsDown`) and reachability (it does not answer: silence like any other).
  if (own.some((f) => f.kind === 'base_station_down' && f.evidence.values.cellsDown !== undefined))
    return true;
  if (answering.size === 0) return true;
  let answered = 0;
  let silent = 0;
  for (const id of topology.descendantsOf(parent)) {
    if (answering.has(id)) answered += 1;
    else if ((findingsByDevice.get(id) ?? []).some(isDownFinding)) silent += 1;
  }
  if (answered === 0) return true;
  return silent / (silent + answered) >= config.childShareThreshold;
}

function childrenShareDown(
  parent: string,
  down: ReadonlySet<string>,
  topology: CorrelationTopology,
  config: CorrelationConfig,
): boolean {
  const children = topology.childrenOf(parent);
  if (children.length === 0) return false;
  const unreachable = children.filter((child) => down.has(child)).length;
  return unreachable >= config.minChildren && unreachable / children.length >= config.childShareThreshold;
}

/** The highest outage root above (or at) a device, if any: where an incident at that device belongs now. */
export function highestRootOver(
  deviceId: string,
  candidates: ReadonlyMap<string, IncidentCause>,
  topology: CorrelationTopology,
): string | undefined {
  let highest = candidates.has(deviceId) ? deviceId : undefined;
  for (const ancestor of ancestorsOf(topology, deviceId)) {
    if (candidates.has(ancestor)) highest = ancestor;
  }
  return highest;
}

/**
 * Whether an existing outage still holds at its root. Looser than opening on purpose (hysteresis): the
 * minimum count is dropped, so an access node with three CPEs that comes back while all three stay dark
 * does not resolve and hand each CPE its own technician visit.
 */
export function outageHolds(
  root: string,
  findingsByDevice: ReadonlyMap<string, readonly Finding[]>,
  topology: CorrelationTopology,
  config: CorrelationConfig,
  answering: ReadonlySet<string> = NO_EVIDENCE,
): boolean {
  const isDown = (id: string) => (findingsByDevice.get(id) ?? []).some(isDownFinding);
  if (isDown(root) && silenceStands(root, findingsByDevice, topology, config, answering)) return true;
  const children = topology.childrenOf(root);
  const unreachable = children.filter(isDown).length;
  return unreachable > 0 && unreachable / children.length >= config.childShareThreshold;
}
