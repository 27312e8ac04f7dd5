import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { closestWord } from '../shared/yaml/closest-word.js';
import { joinPath, type Field, type YamlReader } from '../shared/yaml/yaml-reader.js';
import type { ColumnMatch, MetricSpec, RowCondition, RowSelection } from './probe-types.js';

/** `/^Memory buffers$/i`: a pattern; anything else is compared as the decoded value's text. */
const PATTERN = /^\/(.*)\/([imsu]*)$/s;

/**
 * `{ column: value, … }` (all must hold) or a list of such maps (any may hold). Values compare with
 * the decoded value: an enum's name, an OID in dotted form, a number, or text; `/…/` is a pattern.
 */
export function compileConditions(
  r: YamlReader,
  node: Node | null,
  path: string,
  columns: readonly MetricSpec[],
): RowCondition[] {
  if (isSeq(node)) {
    const items = node.items as Node[];
    if (items.length === 0) r.fail(node, path, 'list at least one condition');
    const conditions = items.map((item, i) => compileCondition(r, item, `${path}[${i}]`, columns));
    return conditions.filter((c): c is RowCondition => c !== undefined);
  }
  const condition = compileCondition(r, node, path, columns);
  return condition ? [condition] : [];
}

function compileCondition(
  r: YamlReader,
  node: Node | null,
  path: string,
  columns: readonly MetricSpec[],
): RowCondition | undefined {
  if (!isMap(node)) return r.fail(node, path, 'a condition is a map of column → value or /pattern/');
  const fields = r.map(node, path, { noun: 'column' });
  if (!fields) return undefined;
  if (fields.size === 0) return r.fail(node, path, 'a condition names at least one column');
  const matches: ColumnMatch[] = [];
  for (const field of fields.values()) {
    const match = compileColumnMatch(r, field, joinPath(path, field.key), columns);
    if (match) matches.push(match);
  }
  return matches.length === fields.size ? matches : undefined;
}

function compileColumnMatch(
  r: YamlReader,
  field: Field,
  path: string,
  columns: readonly MetricSpec[],
): ColumnMatch | undefined {
  const column = columns.find((c) => c.name === field.key);
  if (!column) {
    const hint = closestWord(
      field.key,
      columns.map((c) => c.name),
    );
    return r.fail(
      field.keyNode,
      path,
      `"${field.key}" is not a column of this table${hint ? ` (did you mean "${hint}"?)` : ''}`,
    );
  }
  const value = isScalar(field.value) ? field.value.value : undefined;
  if (typeof value !== 'string' && typeof value !== 'number')
    return r.fail(field.value ?? field.keyNode, path, 'expected a value or a /pattern/');
  const text = String(value);
  const pattern = typeof value === 'string' ? PATTERN.exec(text) : null;
  if (!pattern) {
    if (column.kind === 'enum' && !Object.values(column.values ?? {}).includes(text))
      return r.fail(
        field.value,
        path,
        `${field.key} is an enum: compare with one of its names (${Object.values(column.values ?? {}).join(', ')})`,
      );
    return { column: column.name, equals: text };
  }
  const [, source = '', flags = ''] = pattern;
  try {
    new RegExp(source, flags);
  } catch (error) {
    return r.fail(field.value, path, `not a valid regular expression: ${(error as Error).message}`);
  }
  return { column: column.name, pattern: { source, flags } };
}

/** A table's `rows: { where, except }`. */
export function compileRowSelection(
  r: YamlReader,
  field: Field,
  path: string,
  columns: readonly MetricSpec[],
): RowSelection | undefined {
  const fields = r.map(field.value ?? field.keyNode, path, { allowed: ['where', 'except'] });
  if (!fields) return undefined;
  if (fields.size === 0) return r.fail(field.value ?? field.keyNode, path, 'give where, except or both');
  const read = (key: 'where' | 'except'): RowCondition[] => {
    const f = fields.get(key);
    return f ? compileConditions(r, f.value, joinPath(path, key), columns) : [];
  };
  return { where: read('where'), except: read('except') };
}
