import type { Node } from 'yaml';
import { compileMetric } from './probe-metric.js';
import { joinPath, type Field, type YamlReader } from '../shared/yaml/yaml-reader.js';
import type { MetricSpec, TableSpec } from './probe-types.js';
import { compileRowSelection } from './compile-row-selection.js';
import { WELL_KNOWN_SCALARS, WELL_KNOWN_TABLES } from './probe-well-known.js';

/** A compiled metric with where it was written, for cross-checks that point at both places. */
export interface PlacedMetric {
  spec: MetricSpec;
  path: string;
  node: Node;
}

export interface CompiledCollection {
  scalars: MetricSpec[];
  tables: TableSpec[];
  placed: PlacedMetric[];
}

const TABLE_KEYS = ['maxRows', 'columns', 'rows'] as const;
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A big OLT has a few thousand interfaces; a walk longer than this is a buggy agent looping. */
const DEFAULT_MAX_ROWS = 1000;

/** `scalars:` and `tables:` into MetricSpecs and TableSpecs; metric names are unique per map. */
export function compileCollection(
  r: YamlReader,
  scalarsField: Field | undefined,
  tablesField: Field | undefined,
): CompiledCollection {
  const placed: PlacedMetric[] = [];
  const scalars: MetricSpec[] = [];
  const place = (field: Field, path: string, spec: MetricSpec | undefined): void => {
    if (!spec) return;
    placed.push({ spec, path, node: field.keyNode });
  };

  if (scalarsField) {
    const fields = r.map(scalarsField.value ?? scalarsField.keyNode, 'scalars', { noun: 'metric' });
    for (const field of fields?.values() ?? []) {
      const path = joinPath('scalars', field.key);
      const spec = compileMetric(r, field, path, WELL_KNOWN_SCALARS[field.key]);
      place(field, path, spec);
      if (spec) scalars.push(spec);
    }
  }

  const tables: TableSpec[] = [];
  const tableFields = tablesField ? r.map(tablesField.value, 'tables', { noun: 'table' }) : undefined;
  for (const tableField of tableFields?.values() ?? []) {
    const tablePath = joinPath('tables', tableField.key);
    if (!TABLE_NAME.test(tableField.key))
      r.fail(tableField.keyNode, tablePath, `table name "${tableField.key}" must be a plain identifier`);
    const fields = r.map(tableField.value ?? tableField.keyNode, tablePath, {
      allowed: TABLE_KEYS,
      required: ['columns'],
    });
    if (!fields) continue;
    const maxRowsField = fields.get('maxRows');
    const maxRows = maxRowsField
      ? r.integer(maxRowsField, joinPath(tablePath, 'maxRows'), 1, 100_000)
      : DEFAULT_MAX_ROWS;
    const columnsField = fields.get('columns');
    const columnsPath = joinPath(tablePath, 'columns');
    const columnFields = columnsField
      ? r.map(columnsField.value, columnsPath, { noun: 'metric' })
      : undefined;
    const columns: MetricSpec[] = [];
    for (const field of columnFields?.values() ?? []) {
      const path = joinPath(columnsPath, field.key);
      const spec = compileMetric(r, field, path, WELL_KNOWN_TABLES[tableField.key]?.[field.key]);
      place(field, path, spec);
      if (spec) columns.push(spec);
    }
    if (columnFields && columnFields.size === 0)
      r.fail(columnsField?.value, columnsPath, 'a table needs at least one column');
    const rowsField = fields.get('rows');
    const rows = rowsField
      ? compileRowSelection(r, rowsField, joinPath(tablePath, 'rows'), columns)
      : undefined;
    if (maxRows !== undefined)
      tables.push({ name: tableField.key, columns, maxRows, ...(rows ? { rows } : {}) });
  }
  return { scalars, tables, placed };
}

/**
 * Two metrics on one OID are a copy-paste slip (the second was meant to be another column); a
 * scalar inside a walked table's subtree would also be fetched twice.
 */
export function checkDuplicateOids(r: YamlReader, placed: readonly PlacedMetric[]): void {
  const seen = new Map<string, PlacedMetric>();
  for (const metric of placed) {
    const first = seen.get(metric.spec.oid);
    if (first)
      r.fail(
        metric.node,
        metric.path,
        `OID ${metric.spec.oid} is already collected as ${first.path} (line ${r.lineOf(first.node)})`,
      );
    else seen.set(metric.spec.oid, metric);
  }
}
