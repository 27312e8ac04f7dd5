import { snmpWalk, type SnmpTarget } from '../snmp/snmp-session.js';
import type { PollOutcome, SampleValue } from '../probes/poll-result.js';
import type { MetricSpec, Probe, TableSpec } from '../probes/probe-types.js';
import { rowSelected, selectionColumns } from '../probes/row-selection.js';
import { decodeMetric } from './decode-sample.js';
import { discoveryColumn, type TableIndices } from './poll-plan.js';

export interface Discovery {
  indices: TableIndices;
  pdus: number;
  /** Set when a walk got nothing: the device's outcome for this poll. */
  failure?: { outcome: PollOutcome; reason?: string };
}

type Target = Pick<SnmpTarget, 'host' | 'port' | 'profile'>;

interface ColumnWalk {
  /** Row index → decoded value. */
  values: Map<string, SampleValue>;
  pdus: number;
  failure?: Discovery['failure'];
}

async function walkColumn(
  target: Target,
  probe: Probe,
  table: TableSpec,
  column: MetricSpec,
): Promise<ColumnWalk> {
  const walk = await snmpWalk({ ...target, timeoutMs: probe.timeoutMs, retries: probe.retries }, column.oid, {
    maxRepetitions: probe.maxRepetitions,
    maxVarbinds: table.maxRows,
  });
  const pdus = Math.max(1, Math.ceil(walk.varbinds.length / probe.maxRepetitions));
  if (walk.outcome !== 'ok' && walk.varbinds.length === 0) {
    const outcome = walk.outcome === 'error_status' ? 'transport_error' : walk.outcome;
    return { values: new Map(), pdus, failure: { outcome, ...(walk.reason ? { reason: walk.reason } : {}) } };
  }
  const values = new Map<string, SampleValue>();
  for (const vb of walk.varbinds)
    values.set(
      vb.oid.slice(column.oid.length + 1),
      typeof vb.value === 'string' ? null : decodeMetric(column, vb.value),
    );
  return { values, pdus };
}

/**
 * Walks each table's first column to learn its rows (the table indices a poll's GETs read). A table
 * with a row selection also walks the columns the selection reads and keeps only the rows it
 * chooses, so a host's thirty disks are not polled to read its RAM row.
 */
export async function discoverTableIndices(target: Target, probe: Probe): Promise<Discovery> {
  const indices: TableIndices = {};
  let pdus = 0;
  for (const table of probe.tables) {
    const column = discoveryColumn(probe, table.name);
    if (!column) continue;
    const rows = await walkColumn(target, probe, table, column);
    pdus += rows.pdus;
    if (rows.failure) return { indices, pdus, failure: rows.failure };
    const chosen = [...rows.values.keys()];
    if (!table.rows) {
      indices[table.name] = chosen;
      continue;
    }
    const byRow = new Map(chosen.map((index) => [index, { [column.name]: rows.values.get(index) ?? null }]));
    for (const name of selectionColumns(table.rows).filter((n) => n !== column.name)) {
      const spec = table.columns.find((c) => c.name === name);
      if (!spec) continue;
      const walked = await walkColumn(target, probe, table, spec);
      pdus += walked.pdus;
      for (const [index, row] of byRow) row[name] = walked.values.get(index) ?? null;
    }
    indices[table.name] = chosen.filter((index) => rowSelected(table.rows, byRow.get(index) ?? {}));
  }
  return { indices, pdus };
}
