import type { Probe } from '../probes/probe-types.js';
import type { DetectionState } from './detection-state.js';
import { findingId, type Finding, type FindingChange } from './finding.js';
import { interfaceLabel, interfaceTable, isAdminUp, isUpstream } from './interface-status.js';

/** A linkDown trap (IF-MIB, RFC 2863) naming one of the sender's interfaces, and who sent it. */
export interface LinkDownAnnouncement {
  ifIndex: string;
  reportedBy: string;
}

/**
 * A parent's linkDown on its uplink or backhaul opens `wan_down` at once, without the two polls the
 * hysteresis would wait for: the trap is that evidence. Pure. Only an interface the last answer showed
 * as upstream (probe.upstreamInterfacePattern) and administratively up counts: a trap cannot name an
 * interface into being upstream, and an interface shut on purpose is no fault. The finding is an
 * ordinary one: the next polls judge the interface and clear it (clearAfterPolls) if it is up.
 * Nothing changes when it is not upstream, or wan_down is already open.
 */
export function announceUplinkDown(
  state: DetectionState,
  probe: Probe,
  announcement: LinkDownAnnouncement,
  now: number,
): { state: DetectionState; changes: FindingChange[] } {
  const { ifIndex } = announcement;
  const row = interfaceTable(state.lastSample)?.[ifIndex];
  const id = findingId(state.deviceId, 'wan_down', ifIndex);
  if (!row || !isUpstream(probe, row) || !isAdminUp(row) || state.findings[id]) return { state, changes: [] };
  const name = interfaceLabel(ifIndex, row);
  const finding: Finding = {
    id,
    deviceId: state.deviceId,
    kind: 'wan_down',
    subject: ifIndex,
    severity: 'major',
    since: now,
    updatedAt: now,
    evidence: {
      summary: `upstream interface ${name} is down (linkDown trap)`,
      values: { ifIndex, interface: name, operStatus: 'down', reportedBy: announcement.reportedBy },
    },
  };
  const pending = { ...state.pending };
  delete pending[id];
  return {
    state: { ...state, pending, findings: { ...state.findings, [id]: finding } },
    changes: [{ type: 'opened', finding }],
  };
}
