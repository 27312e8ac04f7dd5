import type { Condition, DetectorContext, Judgement, SubjectRef } from './detector.js';
import {
  interfaceLabel,
  interfaceTable,
  interfacesUpstreamFirst,
  isAdminUp,
  operState,
} from './interface-status.js';
import { interfaceKey } from './track-interfaces.js';

const KINDS = ['wan_down', 'interface_down'] as const;

function isMissing(value: unknown): boolean {
  return value === undefined || value === null;
}

/**
 * wan_down (major): an upstream interface (probe.upstreamInterfacePattern on ifDescr/ifName) that is
 * administratively up but operationally down (IF-MIB, RFC 2863): the subscriber has no service.
 *
 * interface_down (minor): any other interface, admin up and oper down — but only one that was up
 * before and went down (trackInterfaces remembers). Most CPE LAN ports are down because nothing is
 * plugged in, and reporting them would bury the real faults.
 *
 * Subject: the ifIndex. An interface whose status did not come back this poll is unknown, and so is
 * every interface when the device did not answer or the table is missing.
 */
export function detectInterfaceDown(ctx: DetectorContext): Judgement {
  const table = interfaceTable(ctx.sample);
  if (!table) return { kinds: KINDS, present: [], unknown: 'all' };

  const present: Condition[] = [];
  const unknownSubjects = new Set<string>();
  for (const { ifIndex, row, upstream } of interfacesUpstreamFirst(ctx.probe, table)) {
    if (isMissing(row['ifOperStatus']) || isMissing(row['ifAdminStatus'])) {
      unknownSubjects.add(ifIndex);
      continue;
    }
    if (operState(row) !== 'down' || !isAdminUp(row)) continue;
    const name = interfaceLabel(ifIndex, row);
    const values = { ifIndex, interface: name, operStatus: String(row['ifOperStatus']) };
    if (upstream) {
      present.push({
        kind: 'wan_down',
        subject: ifIndex,
        severity: 'major',
        evidence: {
          summary: `upstream interface ${name} is down (admin up, oper ${values.operStatus})`,
          values,
        },
      });
    } else if (ctx.state.lastStates[interfaceKey(ifIndex)] === 'went_down') {
      present.push({
        kind: 'interface_down',
        subject: ifIndex,
        severity: 'minor',
        evidence: { summary: `interface ${name} went down (it was up before)`, values },
      });
    }
  }
  const unknown = (ref: SubjectRef): boolean => ref.subject !== undefined && unknownSubjects.has(ref.subject);
  return { kinds: KINDS, present, unknown };
}
