import { basename } from 'node:path';
import { isMap } from 'yaml';
import { checkDuplicateOids, compileCollection } from './probe-collection.js';
import { checkProbeConsistency } from './probe-consistency.js';
import { compileDerived } from './compile-derived.js';
import { sortYamlFileErrors, type YamlFileError } from '../shared/yaml/yaml-file-error.js';
import { checkProbeOid } from './probe-oid.js';
import { createYamlReader, type Field, type YamlReader } from '../shared/yaml/yaml-reader.js';
import { compileThresholds } from './probe-thresholds.js';
import { compileProbeTiming, type ProbeCompileOptions, type ProbeTiming } from './probe-timing.js';
import type { DeviceKind, Probe } from './probe-types.js';
import { parseYamlDocument } from '../shared/yaml/parse-yaml-document.js';

const TOP_KEYS = [
  'name',
  'description',
  'deviceKinds',
  'match',
  'interval',
  'timeout',
  'retries',
  'maxRepetitions',
  'scalars',
  'tables',
  'derived',
  'upstreamInterfacePattern',
  'reboot',
  'thresholds',
] as const;
const DEVICE_KINDS: readonly DeviceKind[] = ['cpe', 'access_node', 'base_station'];
/** Probe names are file names and inventory `profile` values: lower-case kebab words. */
const PROBE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Compiles one probe file (pure: the text and its name in, a frozen Probe or every error out).
 * Line numbers come from the YAML nodes, so `vigil check` can say `probes/cpe-gpon.yaml:14`.
 * `options.minIntervalSeconds` lowers the interval floor (tests poll a second apart).
 */
export function compileProbe(
  text: string,
  file: string,
  options: ProbeCompileOptions = {},
): { probe: Probe } | { errors: YamlFileError[] } {
  const parsed = parseYamlDocument(text, file);
  if ('errors' in parsed) return { errors: parsed.errors };
  const { doc, lineCounter } = parsed;
  const r = createYamlReader(file, lineCounter);
  if (!isMap(doc.contents)) {
    r.fail(doc.contents, '', 'a probe is a YAML map with name, description, deviceKinds and scalars');
    return { errors: r.errors };
  }
  const top = r.map(doc.contents, '', {
    allowed: TOP_KEYS,
    required: ['name', 'description', 'deviceKinds', 'scalars'],
  });
  const field = (key: (typeof TOP_KEYS)[number]): Field | undefined => top?.get(key);

  const nameField = field('name');
  const name = compileName(r, nameField, file);
  const descriptionField = field('description');
  const description = descriptionField ? r.string(descriptionField, 'description') : undefined;
  const deviceKinds = compileDeviceKinds(r, field('deviceKinds'));
  const sysObjectIdPrefixes = compileMatch(r, field('match'));

  const timing = compileProbeTiming(r, field, options);

  const { scalars, tables, placed } = compileCollection(r, field('scalars'), field('tables'));
  checkDuplicateOids(r, placed);
  const derived = compileDerived(r, field('derived'), { scalars, tables });
  const patternField = field('upstreamInterfacePattern');
  const upstreamInterfacePattern = patternField ? compilePattern(r, patternField) : undefined;
  const reboot = compileReboot(r, field('reboot'));
  const thresholdsField = field('thresholds');
  const thresholdsNode = thresholdsField ? (thresholdsField.value ?? thresholdsField.keyNode) : undefined;
  const thresholds = compileThresholds(r, thresholdsNode, 'thresholds', deviceKinds ?? []);
  checkProbeConsistency(r, {
    top: doc.contents,
    scalars,
    tables,
    derived,
    thresholds,
    hasPattern: !!patternField,
  });

  if (r.errors.length > 0) return { errors: sortYamlFileErrors(r.errors) };
  const probe: Probe = {
    name: name as string,
    source: { file, line: r.lineOf(nameField?.keyNode) },
    description: description as string,
    deviceKinds: deviceKinds as DeviceKind[],
    sysObjectIdPrefixes,
    ...(timing as ProbeTiming),
    scalars,
    tables,
    derived,
    ...(upstreamInterfacePattern !== undefined ? { upstreamInterfacePattern } : {}),
    ...(reboot ? { reboot } : {}),
    thresholds,
  };
  return { probe: deepFreeze(probe) };
}

/** The probe's name, which must be kebab-case and equal its file's name. */
function compileName(r: YamlReader, nameField: Field | undefined, file: string): string | undefined {
  const name = nameField ? r.string(nameField, 'name') : undefined;
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (nameField && name !== undefined) {
    if (!PROBE_NAME.test(name)) r.fail(nameField.value, 'name', `"${name}" is not a kebab-case name`);
    else if (name !== expected)
      r.fail(nameField.value, 'name', `"${name}" must equal the file name "${expected}"`);
  }
  return name;
}

function compileDeviceKinds(r: YamlReader, field: Field | undefined): DeviceKind[] | undefined {
  const items = field ? r.list(field, 'deviceKinds') : undefined;
  if (!field || !items) return undefined;
  const kinds: DeviceKind[] = [];
  items.forEach((node, i) => {
    const value = r.scalar({ key: String(i), keyNode: node, value: node });
    const kind = DEVICE_KINDS.find((k) => k === value);
    if (!kind)
      r.fail(
        node,
        `deviceKinds[${i}]`,
        `unknown device kind ${JSON.stringify(value ?? null)}; expected ${DEVICE_KINDS.join(', ')}`,
      );
    else if (kinds.includes(kind)) r.fail(node, `deviceKinds[${i}]`, `"${kind}" is listed twice`);
    else kinds.push(kind);
  });
  if (items.length === 0) r.fail(field.value, 'deviceKinds', 'list at least one device kind');
  return kinds;
}

/** `match: { sysObjectIdPrefixes: [...] }`; absent for a probe chosen only by name (or the fallback). */
function compileMatch(r: YamlReader, field: Field | undefined): string[] {
  if (!field) return [];
  const fields = r.map(field.value ?? field.keyNode, 'match', { allowed: ['sysObjectIdPrefixes'] });
  const listField = fields?.get('sysObjectIdPrefixes');
  const items = listField ? r.list(listField, 'match.sysObjectIdPrefixes') : undefined;
  const prefixes: string[] = [];
  items?.forEach((node, i) => {
    const path = `match.sysObjectIdPrefixes[${i}]`;
    const checked = checkProbeOid(r.scalar({ key: String(i), keyNode: node, value: node }));
    if ('error' in checked) r.fail(node, path, checked.error);
    else if (prefixes.includes(checked.oid)) r.fail(node, path, `${checked.oid} is listed twice`);
    else prefixes.push(checked.oid);
  });
  return prefixes;
}

function compilePattern(r: YamlReader, field: Field): string | undefined {
  const pattern = r.string(field, 'upstreamInterfacePattern');
  if (pattern === undefined) return undefined;
  try {
    new RegExp(pattern);
    return pattern;
  } catch (error) {
    return r.fail(
      field.value,
      'upstreamInterfacePattern',
      `not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

/** `reboot: { oid, value }`: the vendor's reboot object and the INTEGER that triggers it. */
function compileReboot(r: YamlReader, field: Field | undefined): { oid: string; value: number } | undefined {
  if (!field) return undefined;
  const fields = r.map(field.value ?? field.keyNode, 'reboot', {
    allowed: ['oid', 'value'],
    required: ['oid', 'value'],
  });
  const oidField = fields?.get('oid');
  const valueField = fields?.get('value');
  const checked = oidField ? checkProbeOid(r.scalar(oidField)) : undefined;
  if (oidField && checked && 'error' in checked)
    r.fail(oidField.value ?? oidField.keyNode, 'reboot.oid', checked.error);
  const value = valueField ? r.integer(valueField, 'reboot.value', -(2 ** 31), 2 ** 31 - 1) : undefined;
  if (!checked || 'error' in checked || value === undefined) return undefined;
  return { oid: checked.oid, value };
}

/** The compiled probe is shared by every poll of every device of its class: nobody may change it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value as object)) deepFreeze(child as unknown);
    Object.freeze(value);
  }
  return value;
}
