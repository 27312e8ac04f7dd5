import {
  numberOf,
  textOf,
  type Condition,
  type DetectorContext,
  type Judgement,
  type SubjectRef,
} from './detector.js';
import { formatCount } from './format-evidence.js';

const KINDS = ['cell_down', 'cell_degraded', 'base_station_down'] as const;

type CellRow = Record<string, unknown>;

function cellName(index: string, row: CellRow): string {
  return textOf(row['cellName']) || index;
}

function cellCondition(index: string, row: CellRow, status: 'down' | 'degraded'): Condition {
  const name = cellName(index, row);
  const ues = numberOf(row['cellConnectedUes']);
  const attached = ues === undefined ? '' : `, ${formatCount(ues)} UEs attached`;
  return {
    kind: status === 'down' ? 'cell_down' : 'cell_degraded',
    subject: index,
    severity: status === 'down' ? 'major' : 'minor',
    evidence: {
      summary: `cell ${name} is ${status}${attached}`,
      values: { cell: index, cellName: name, ...(ues === undefined ? {} : { connectedUes: ues }) },
    },
  };
}

function allCellsDown(count: number): Condition {
  return {
    kind: 'base_station_down',
    severity: 'critical',
    evidence: {
      summary: `all ${formatCount(count)} cells down while the station answers`,
      values: { cellsDown: count, cells: count },
    },
  };
}

/**
 * Base stations only. cell_down (major) and cell_degraded (minor) per cell (subject: the cell index),
 * from cellOperStatus; base_station_down (critical) when every cell is down although the station
 * answers SNMP — no subscriber can attach, which is the same outage as a dead station. (When it does
 * not answer, detectUnreachable reports base_station_down; the two judgements share one finding.)
 * A cell whose status did not come back is unknown; so is everything when the table is missing.
 */
export function detectCells(ctx: DetectorContext): Judgement {
  if (ctx.device.kind !== 'base_station') return { kinds: [], present: [], unknown: 'none' };
  const table = ctx.sample?.tables['cells'];
  if (!table) return { kinds: KINDS, present: [], unknown: 'all' };

  const present: Condition[] = [];
  const missing = new Set<string>();
  let down = 0;
  const entries = Object.entries(table).sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b));
  for (const [index, row] of entries) {
    const status = textOf(row['cellOperStatus']);
    if (status === undefined) missing.add(index);
    if (status === 'down') down += 1;
    if (status === 'down' || status === 'degraded') present.push(cellCondition(index, row, status));
  }
  if (entries.length > 0 && down === entries.length) present.unshift(allCellsDown(down));
  const unknown = (ref: SubjectRef): boolean =>
    ref.subject === undefined ? missing.size > 0 : missing.has(ref.subject);
  return { kinds: KINDS, present, unknown };
}
