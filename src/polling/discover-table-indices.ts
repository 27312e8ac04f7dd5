import { snmpWalk, type SnmpTarget } from '../snmp/snmp-session.js';
import type { PollOutcome } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';
import { discoveryColumn, type TableIndices } from './poll-plan.js';

export interface Discovery {
  indices: TableIndices;
  pdus: number;
  /** Set when a walk got nothing: the device's outcome for this poll. */
  failure?: { outcome: PollOutcome; reason?: string };
}

/** Walks each table's first column to learn its rows (the table indices a poll's GETs read). */
export async function discoverTableIndices(
  target: Pick<SnmpTarget, 'host' | 'port' | 'profile'>,
  probe: Probe,
): Promise<Discovery> {
  const indices: TableIndices = {};
  let pdus = 0;
  for (const table of probe.tables) {
    const column = discoveryColumn(probe, table.name);
    if (!column) continue;
    const walk = await snmpWalk(
      { ...target, timeoutMs: probe.timeoutMs, retries: probe.retries },
      column.oid,
      {
        maxRepetitions: probe.maxRepetitions,
        maxVarbinds: table.maxRows,
      },
    );
    pdus += Math.max(1, Math.ceil(walk.varbinds.length / probe.maxRepetitions));
    if (walk.outcome !== 'ok' && walk.varbinds.length === 0) {
      const outcome = walk.outcome === 'error_status' ? 'transport_error' : walk.outcome;
      return { indices, pdus, failure: { outcome, ...(walk.reason ? { reason: walk.reason } : {}) } };
    }
    indices[table.name] = walk.varbinds.map((vb) => vb.oid.slice(column.oid.length + 1));
  }
  return { indices, pdus };
}
