import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { YamlFileError } from './yaml-file-error.js';
import { closestWord } from './closest-word.js';

/** One key of a YAML map with its nodes, so that every later error can point at its line. */
export interface Field {
  key: string;
  keyNode: Node;
  /** null for `key:` with nothing after it. */
  value: Node | null;
}

export interface MapRules {
  /** Keys a person may write; any other is an error (typos must not be silently ignored). */
  allowed?: readonly string[];
  required?: readonly string[];
  /** What the keys name, for the duplicate message: "metric", "table", "key". */
  noun?: string;
}

/**
 * Field names that would carry SNMP credentials. A probe says what to collect, never how to log in:
 * credentials are a per-deployment secret (snmp_exporter keeps `auths` apart from `modules` for the
 * same reason) and live in VIGIL_SNMP_<PROFILE>_* environment variables, named by the inventory.
 */
const CREDENTIAL_KEY =
  /^(auth.*|priv.*|.*community|user(name)?|securityname|password|passphrase|secrets?|credentials?|.*key)$/;

export const CREDENTIALS_MESSAGE =
  'credentials never go in a probe: the inventory names an auth profile and its secrets live in VIGIL_SNMP_<PROFILE>_* environment variables';

export const joinPath = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** Reads YAML nodes for the probe compiler, recording an error (and returning undefined) on any misfit. */
export interface YamlReader {
  readonly errors: YamlFileError[];
  lineOf(node: Node | null | undefined): number;
  fail(node: Node | null | undefined, path: string, message: string): undefined;
  map(node: Node | null | undefined, path: string, rules?: MapRules): Map<string, Field> | undefined;
  list(field: Field, path: string): Node[] | undefined;
  scalar(field: Field): unknown;
  string(field: Field, path: string): string | undefined;
  integer(field: Field, path: string, min: number, max: number): number | undefined;
  number(field: Field, path: string, min: number, max: number): number | undefined;
  boolean(field: Field, path: string): boolean | undefined;
}

export function createYamlReader(file: string, lineCounter: LineCounter): YamlReader {
  const errors: YamlFileError[] = [];
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  const fail = (node: Node | null | undefined, path: string, message: string): undefined => {
    errors.push({ file, line: lineOf(node), path, message });
    return undefined;
  };
  const at = (field: Field): Node => field.value ?? field.keyNode;
  const scalar = (field: Field): unknown => (isScalar(field.value) ? field.value.value : undefined);
  const inRange = (
    field: Field,
    path: string,
    value: number,
    min: number,
    max: number,
  ): number | undefined =>
    value >= min && value <= max ? value : fail(at(field), path, `${value} is out of range ${min}..${max}`);

  return {
    errors,
    lineOf,
    fail,
    map: (node, path, rules = {}) => readMap({ fail, lineOf }, node, path, rules),
    list(field, path) {
      return isSeq(field.value) ? (field.value.items as Node[]) : fail(at(field), path, 'expected a list');
    },
    scalar,
    string(field, path) {
      const value = scalar(field);
      if (typeof value === 'string' && value.trim() !== '') return value;
      return fail(at(field), path, 'expected a non-empty text');
    },
    integer(field, path, min, max) {
      const value = scalar(field);
      if (typeof value !== 'number' || !Number.isInteger(value))
        return fail(at(field), path, `expected a whole number, found ${JSON.stringify(value ?? null)}`);
      return inRange(field, path, value, min, max);
    },
    number(field, path, min, max) {
      const value = scalar(field);
      if (typeof value !== 'number' || !Number.isFinite(value))
        return fail(at(field), path, `expected a number, found ${JSON.stringify(value ?? null)}`);
      return inRange(field, path, value, min, max);
    },
    boolean(field, path) {
      const value = scalar(field);
      return typeof value === 'boolean' ? value : fail(at(field), path, 'expected true or false');
    },
  };
}

/** A YAML map's fields by key; duplicates, unknown keys (credentials above all) and missing ones fail. */
function readMap(
  r: Pick<YamlReader, 'fail' | 'lineOf'>,
  node: Node | null | undefined,
  path: string,
  rules: MapRules,
): Map<string, Field> | undefined {
  if (!isMap(node))
    return r.fail(node, path, node ? 'expected a map of keys' : 'expected a map, found nothing');
  const fields = new Map<string, Field>();
  for (const pair of node.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) {
      r.fail(keyNode, path, 'keys must be plain words');
      continue;
    }
    const where = joinPath(path, key);
    const first = fields.get(key);
    if (first) {
      r.fail(
        keyNode,
        where,
        `duplicate ${rules.noun ?? 'key'} "${key}" (first at line ${r.lineOf(first.keyNode)})`,
      );
      continue;
    }
    if (rules.allowed && !rules.allowed.includes(key)) {
      r.fail(keyNode, where, unknownKeyMessage(key, rules.allowed));
      continue;
    }
    fields.set(key, { key, keyNode, value: (pair.value as Node | null) ?? null });
  }
  for (const key of rules.required ?? [])
    if (!fields.has(key)) r.fail(node, joinPath(path, key), `missing (required)`);
  return fields;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  if (CREDENTIAL_KEY.test(key.toLowerCase().replace(/[-_]/g, ''))) return CREDENTIALS_MESSAGE;
  // "staleUptimeSeconds" for "staleUptime": a compiled name written where the YAML name goes.
  const hint = closestWord(key, allowed) ?? allowed.find((word) => key.startsWith(word));
  return `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
}
