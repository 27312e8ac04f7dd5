import type { MetricSpec, Probe } from '../probes/probe-types.js';

/** Where each value of a GET goes in the sample. */
export interface PlanSlot {
  metric: MetricSpec;
  /** Table name and row index, for table cells; absent for scalars. */
  table?: string;
  index?: string;
}

export interface PollPlan {
  /** OIDs of one or more GETs, each at most `maxVarbindsPerGet` long. */
  requests: { oids: string[]; slots: PlanSlot[] }[];
}

/** Row indices of each table, learned by walking it (discovery) and reused until they change. */
export type TableIndices = Record<string, string[]>;

/**
 * Varbinds per GET: a CPE's whole poll (a dozen scalars, four interfaces × a dozen columns) fits in
 * one PDU, whose response (~2 KB) any agent with the usual 64 KB msgMaxSize answers in one datagram.
 */
export const MAX_VARBINDS_PER_GET = 64;

/**
 * Every scalar and every known table cell as plain GETs: once a device's table indices are known, a
 * whole poll is one or two request PDUs instead of a walk (GETBULK round trips) per table.
 */
export function buildPollPlan(
  probe: Probe,
  indices: TableIndices,
  maxVarbindsPerGet = MAX_VARBINDS_PER_GET,
  { counter64 = true }: { counter64?: boolean } = {},
): PollPlan {
  // SNMPv1 has no Counter64 (RFC 3584 section 4.2.2.1): a v1 agent answers a GET holding one with
  // noSuchName for the whole PDU, so an optional 64-bit column is not asked; its 32-bit twin is.
  const asked = (metric: MetricSpec): boolean => counter64 || metric.kind !== 'counter64' || !metric.optional;
  const slots: PlanSlot[] = probe.scalars.filter(asked).map((metric) => ({ metric }));
  for (const table of probe.tables) {
    const columns = table.columns.filter(asked);
    for (const index of (indices[table.name] ?? []).slice(0, table.maxRows)) {
      for (const metric of columns) slots.push({ metric, table: table.name, index });
    }
  }
  const requests: PollPlan['requests'] = [];
  for (let i = 0; i < slots.length; i += maxVarbindsPerGet) {
    const chunk = slots.slice(i, i + maxVarbindsPerGet);
    requests.push({ oids: chunk.map(slotOid), slots: chunk });
  }
  return { requests };
}

export function slotOid(slot: PlanSlot): string {
  return slot.index === undefined ? slot.metric.oid : `${slot.metric.oid}.${slot.index}`;
}

/** The column a table's rows are discovered by: its first column that every device must have. */
export function discoveryColumn(probe: Probe, tableName: string): MetricSpec | undefined {
  const table = probe.tables.find((t) => t.name === tableName);
  return table?.columns.find((c) => !c.optional) ?? table?.columns[0];
}
