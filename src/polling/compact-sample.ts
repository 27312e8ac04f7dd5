import type { PollSample, SampleValue } from '../probes/poll-result.js';

/**
 * A stored sample with each table's column names written once, not once per row: a CPE's four
 * interface rows of eleven columns keep their names once, so a stored state is about a quarter smaller
 * and packs and unpacks faster (poller-state-store.ts). Rows are [index, ...values] in column order.
 */
export interface CompactSample {
  at: number;
  scalars: Record<string, SampleValue>;
  /** Table name → [column names, ...rows]. */
  columns: Record<string, [string[], ...(string | SampleValue)[][]]>;
}

export function compactSample(sample: PollSample): CompactSample {
  const columns: CompactSample['columns'] = {};
  for (const name in sample.tables) {
    const rows = sample.tables[name] as Record<string, Record<string, SampleValue>>;
    let names: string[] | undefined;
    const packed: (string | SampleValue)[][] = [];
    for (const index in rows) {
      const row = rows[index] as Record<string, SampleValue>;
      names ??= Object.keys(row);
      const values: (string | SampleValue)[] = [index];
      for (const column of names) values.push(row[column] ?? null);
      packed.push(values);
    }
    columns[name] = [names ?? [], ...packed];
  }
  return { at: sample.at, scalars: sample.scalars, columns };
}

export function isCompactSample(value: unknown): value is CompactSample {
  return typeof value === 'object' && value !== null && 'columns' in value;
}

export function expandSample(compact: CompactSample): PollSample {
  const tables: PollSample['tables'] = {};
  for (const name in compact.columns) {
    const packed = compact.columns[name] as CompactSample['columns'][string];
    const names = packed[0];
    const table: Record<string, Record<string, SampleValue>> = {};
    // Indexed loops: no copy of the rows and no callback per row, at every poll of every device.
    for (let r = 1; r < packed.length; r++) {
      const values = packed[r] as (string | SampleValue)[];
      const row: Record<string, SampleValue> = {};
      for (let c = 0; c < names.length; c++) row[names[c] as string] = values[c + 1] ?? null;
      table[String(values[0])] = row;
    }
    tables[name] = table;
  }
  return { at: compact.at, scalars: compact.scalars, tables };
}
