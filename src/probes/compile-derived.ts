import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { closestWord } from '../shared/yaml/closest-word.js';
import { joinPath, type Field, type YamlReader } from '../shared/yaml/yaml-reader.js';
import { compileConditions } from './compile-row-selection.js';
import type {
  DerivedFormula,
  DerivedMetric,
  DerivedTerm,
  MetricSpec,
  TableReduce,
  TableSpec,
} from './probe-types.js';
import { WELL_KNOWN_SCALARS } from './probe-well-known.js';

const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const FORMULA_KEYS = ['sum', 'minus', 'scale'] as const;
const TABLE_TERM_KEYS = [
  'table',
  'column',
  'where',
  'reduce',
  'times',
  'precision',
  'dataScale',
  'ifMissing',
] as const;
const REDUCE: readonly TableReduce[] = ['sum', 'average', 'max', 'min'];
const NUMERIC: readonly MetricSpec['kind'][] = ['integer', 'gauge', 'counter32', 'counter64'];

interface Known {
  scalars: readonly MetricSpec[];
  tables: readonly TableSpec[];
}

/**
 * `derived:` — scalars computed after each poll from the polled scalars and table rows. A metric is
 * one formula `{ sum, minus?, scale?, unit? }` or `{ unit?, first: [formula, …] }`, the first the
 * agent's answers can compute winning (HOST-RESOURCES-MIB where the agent has it, UCD-SNMP-MIB else).
 */
export function compileDerived(r: YamlReader, field: Field | undefined, known: Known): DerivedMetric[] {
  if (!field) return [];
  const fields = r.map(field.value, 'derived', { noun: 'metric' });
  const derived: DerivedMetric[] = [];
  for (const metricField of fields?.values() ?? []) {
    const path = joinPath('derived', metricField.key);
    const name = metricField.key;
    if (!METRIC_NAME.test(name)) r.fail(metricField.keyNode, path, `"${name}" must be a plain identifier`);
    if (known.scalars.some((s) => s.name === name))
      r.fail(metricField.keyNode, path, `"${name}" is already a scalar: a derived metric needs its own name`);
    const known0 = WELL_KNOWN_SCALARS[name];
    if (known0 && !known0.kinds.some((k) => k === 'integer' || k === 'gauge'))
      r.fail(metricField.keyNode, path, `${name} is well known (${known0.meaning}) and cannot be computed`);
    const metric = compileDerivedMetric(r, metricField, path, known);
    if (metric) derived.push(metric);
  }
  return derived;
}

function compileDerivedMetric(
  r: YamlReader,
  field: Field,
  path: string,
  known: Known,
): DerivedMetric | undefined {
  const node = field.value ?? field.keyNode;
  const isChoice = isMap(node) && node.items.some((p) => isScalar(p.key) && p.key.value === 'first');
  const fields = r.map(node, path, {
    allowed: isChoice ? ['unit', 'first'] : [...FORMULA_KEYS, 'unit'],
    required: isChoice ? ['first'] : ['sum'],
  });
  if (!fields) return undefined;
  const unitField = fields.get('unit');
  const unit = unitField ? r.string(unitField, joinPath(path, 'unit')) : undefined;
  let alternatives: (DerivedFormula | undefined)[];
  const firstField = fields.get('first');
  if (firstField) {
    const items = r.list(firstField, joinPath(path, 'first')) ?? [];
    if (items.length === 0) r.fail(firstField.value, joinPath(path, 'first'), 'list at least one formula');
    alternatives = items.map((item, i) => {
      const at = `${path}.first[${i}]`;
      const formula = r.map(item, at, { allowed: FORMULA_KEYS, required: ['sum'] });
      return formula ? compileFormula(r, formula, at, known) : undefined;
    });
  } else {
    alternatives = [compileFormula(r, fields, path, known)];
  }
  if (alternatives.some((a) => a === undefined)) return undefined;
  return {
    name: field.key,
    ...(unit !== undefined ? { unit } : {}),
    alternatives: alternatives as DerivedFormula[],
  };
}

function compileFormula(
  r: YamlReader,
  fields: Map<string, Field>,
  path: string,
  known: Known,
): DerivedFormula | undefined {
  const terms = (key: 'sum' | 'minus'): (DerivedTerm | undefined)[] => {
    const f = fields.get(key);
    if (!f) return [];
    const items = r.list(f, joinPath(path, key)) ?? [];
    if (items.length === 0) r.fail(f.value, joinPath(path, key), 'list at least one term');
    return items.map((item, i) => compileTerm(r, item, `${path}.${key}[${i}]`, known));
  };
  const sum = terms('sum');
  const minus = terms('minus');
  const scaleField = fields.get('scale');
  const scale = scaleField ? r.number(scaleField, joinPath(path, 'scale'), -1e12, 1e12) : 1;
  if (scale === 0) r.fail(scaleField?.value, joinPath(path, 'scale'), 'a scale of 0 erases every value');
  if (scale === undefined || [...sum, ...minus].some((t) => t === undefined)) return undefined;
  return { sum: sum as DerivedTerm[], minus: minus as DerivedTerm[], scale };
}

/** A number, a scalar's name, `{ scalar, ifMissing }` or a table reduction. */
function compileTerm(r: YamlReader, node: Node, path: string, known: Known): DerivedTerm | undefined {
  if (isScalar(node) && typeof node.value === 'number') return { kind: 'constant', value: node.value };
  if (isScalar(node) && typeof node.value === 'string') return scalarTerm(r, node, path, node.value, known);
  if (isSeq(node) || !isMap(node))
    return r.fail(node, path, "a term is a number, a scalar's name, { scalar } or { table, column }");
  const isScalarTerm = node.items.some((p) => isScalar(p.key) && p.key.value === 'scalar');
  const fields = r.map(
    node,
    path,
    isScalarTerm
      ? { allowed: ['scalar', 'ifMissing'], required: ['scalar'] }
      : { allowed: TABLE_TERM_KEYS, required: ['table', 'column'] },
  );
  if (!fields) return undefined;
  const missingField = fields.get('ifMissing');
  const ifMissing = missingField
    ? r.number(missingField, joinPath(path, 'ifMissing'), -1e15, 1e15)
    : undefined;
  const withMissing = ifMissing !== undefined ? { ifMissing } : {};
  if (isScalarTerm) {
    const f = fields.get('scalar') as Field;
    const name = r.string(f, joinPath(path, 'scalar'));
    const term =
      name === undefined
        ? undefined
        : scalarTerm(r, f.value ?? f.keyNode, joinPath(path, 'scalar'), name, known);
    return term && { ...term, ...withMissing };
  }
  return tableTerm(r, fields, path, known, withMissing);
}

function scalarTerm(
  r: YamlReader,
  node: Node,
  path: string,
  name: string,
  known: Known,
): DerivedTerm | undefined {
  const scalar = known.scalars.find((s) => s.name === name);
  if (!scalar) {
    const hint = closestWord(
      name,
      known.scalars.map((s) => s.name),
    );
    return r.fail(
      node,
      path,
      `"${name}" is not a scalar of this probe${hint ? ` (did you mean "${hint}"?)` : ''}`,
    );
  }
  if (!NUMERIC.includes(scalar.kind))
    return r.fail(node, path, `${name} is of type ${scalar.kind}, not a number`);
  return { kind: 'scalar', name };
}

function tableTerm(
  r: YamlReader,
  fields: Map<string, Field>,
  path: string,
  known: Known,
  withMissing: { ifMissing?: number },
): DerivedTerm | undefined {
  const tableField = fields.get('table') as Field;
  const tableName = r.string(tableField, joinPath(path, 'table'));
  const table = known.tables.find((t) => t.name === tableName);
  if (tableName !== undefined && !table) {
    const hint = closestWord(
      tableName,
      known.tables.map((t) => t.name),
    );
    return r.fail(
      tableField.value,
      joinPath(path, 'table'),
      `no table "${tableName}" in this probe${hint ? ` (did you mean "${hint}"?)` : ''}`,
    );
  }
  if (!table) return undefined;
  const column = (key: 'column' | 'times' | 'precision' | 'dataScale'): string | undefined => {
    const f = fields.get(key);
    const name = f ? r.string(f, joinPath(path, key)) : undefined;
    if (!f || name === undefined) return undefined;
    const spec = table.columns.find((c) => c.name === name);
    if (!spec)
      return r.fail(f.value, joinPath(path, key), `"${name}" is not a column of table ${table.name}`);
    if (!NUMERIC.includes(spec.kind))
      return r.fail(f.value, joinPath(path, key), `${name} is of type ${spec.kind}, not a number`);
    return name;
  };
  const reduceField = fields.get('reduce');
  const reduceText = reduceField ? r.string(reduceField, joinPath(path, 'reduce')) : 'sum';
  const reduce = REDUCE.find((x) => x === reduceText);
  if (!reduce) r.fail(reduceField?.value, joinPath(path, 'reduce'), `expected one of ${REDUCE.join(', ')}`);
  const whereField = fields.get('where');
  const where = whereField
    ? compileConditions(r, whereField.value, joinPath(path, 'where'), table.columns)
    : [];
  const columnName = column('column');
  const extras = { times: column('times'), precision: column('precision'), dataScale: column('dataScale') };
  if (columnName === undefined || reduce === undefined) return undefined;
  const defined = Object.fromEntries(Object.entries(extras).filter(([, v]) => v !== undefined));
  return { kind: 'table', table: table.name, column: columnName, where, reduce, ...defined, ...withMissing };
}
