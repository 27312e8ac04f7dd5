import type { Node } from 'yaml';
import { checkProbeOid } from './probe-oid.js';
import { joinPath, type Field, type YamlReader } from '../shared/yaml/yaml-reader.js';
import type { MetricSpec, ValueKind } from './probe-types.js';
import { checkWellKnown, type WellKnownMetric } from './probe-well-known.js';

export const VALUE_KINDS: readonly ValueKind[] = [
  'integer',
  'gauge',
  'counter32',
  'counter64',
  'timeticks',
  'string',
  'enum',
  'oid',
];
const METRIC_KEYS = ['oid', 'type', 'scale', 'unit', 'values', 'optional'] as const;
/** Kinds a multiplier makes sense for: timeticks already become seconds, text is text. */
const SCALABLE: readonly ValueKind[] = ['integer', 'gauge', 'counter32', 'counter64'];
/** Metric names become sample keys, JSON fields and playbook template names: plain identifiers. */
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * One scalar or column, `{ oid, type, scale?, unit?, values?, optional? }`, as a MetricSpec.
 * For a column the OID is the column's (RFC 2578 "columnar object"), without the row index.
 */
export function compileMetric(
  r: YamlReader,
  field: Field,
  path: string,
  known: WellKnownMetric | undefined,
): MetricSpec | undefined {
  const name = field.key;
  if (!METRIC_NAME.test(name))
    r.fail(field.keyNode, path, `metric name "${name}" must be a plain identifier (letters, digits, _)`);
  if (field.value === null)
    return r.fail(field.keyNode, path, 'expected a map with oid and type, found nothing');
  const fields = r.map(field.value, path, { allowed: METRIC_KEYS, required: ['oid', 'type'] });
  if (!fields) return undefined;

  const oidField = fields.get('oid');
  const checked = oidField ? checkProbeOid(r.scalar(oidField)) : undefined;
  if (oidField && checked && 'error' in checked)
    r.fail(oidField.value ?? oidField.keyNode, joinPath(path, 'oid'), checked.error);

  const typeField = fields.get('type');
  const typeText = typeField ? r.scalar(typeField) : undefined;
  const kind = VALUE_KINDS.find((k) => k === typeText);
  if (typeField && !kind)
    r.fail(
      typeField.value ?? typeField.keyNode,
      path,
      `unknown type ${JSON.stringify(typeText ?? null)}; expected one of ${VALUE_KINDS.join(', ')}`,
    );

  const scaleField = fields.get('scale');
  const scale = scaleField ? compileScale(r, scaleField, path, kind) : undefined;
  const unitField = fields.get('unit');
  const unit = unitField ? r.string(unitField, joinPath(path, 'unit')) : undefined;
  const optionalField = fields.get('optional');
  const optional = optionalField ? r.boolean(optionalField, joinPath(path, 'optional')) : false;

  const valuesField = fields.get('values');
  let values: Record<number, string> | undefined;
  if (valuesField) {
    if (kind && kind !== 'enum')
      r.fail(valuesField.keyNode, joinPath(path, 'values'), `values apply to type enum, not to ${kind}`);
    values = compileEnumValues(r, valuesField.value, joinPath(path, 'values'));
  } else if (kind === 'enum') {
    r.fail(typeField?.value, joinPath(path, 'values'), 'type enum needs values (raw integer → name)');
  }

  if (kind) {
    const misuse = checkWellKnown(known, name, kind, values);
    if (misuse) r.fail(typeField?.value, path, misuse);
  }
  if (!checked || 'error' in checked || !kind) return undefined;
  return {
    name,
    oid: checked.oid,
    kind,
    ...(scale !== undefined ? { scale } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(values !== undefined ? { values } : {}),
    optional: optional ?? false,
  };
}

/** `values: { 1: up, 2: down }` — the enumeration's integers (e.g. IF-MIB's) and the names samples carry. */
function compileEnumValues(
  r: YamlReader,
  node: Node | null,
  path: string,
): Record<number, string> | undefined {
  const fields = r.map(node, path, { noun: 'value' });
  if (!fields) return undefined;
  const values: Record<number, string> = {};
  const seen = new Map<string, number>();
  for (const field of fields.values()) {
    const where = joinPath(path, field.key);
    const raw = Number(field.key);
    if (!/^-?\d+$/.test(field.key) || raw < -(2 ** 31) || raw > 2 ** 31 - 1) {
      r.fail(field.keyNode, where, `enum keys are the INTEGER values the agent sends, not "${field.key}"`);
      continue;
    }
    const name = r.string(field, where);
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first !== undefined) r.fail(field.value, where, `name "${name}" is already used for ${first}`);
    seen.set(name, raw);
    values[raw] = name;
  }
  if (fields.size === 0) r.fail(node, path, 'an enum needs at least one value');
  return values;
}

/** A metric's `scale`: a non-zero number, for numeric types only. */
function compileScale(
  r: YamlReader,
  scaleField: Field,
  path: string,
  kind: ValueKind | undefined,
): number | undefined {
  let scale = r.number(scaleField, joinPath(path, 'scale'), -1e12, 1e12);
  if (scale === 0)
    scale = r.fail(scaleField.value, joinPath(path, 'scale'), 'a scale of 0 erases every value');
  if (kind && !SCALABLE.includes(kind))
    r.fail(scaleField.keyNode, joinPath(path, 'scale'), `scale applies to numbers, not to type ${kind}`);
  return scale;
}
