import type { Node } from 'yaml';
import { closestWord } from '../shared/yaml/closest-word.js';
import { DURATION_HINT, parseYamlDuration } from '../shared/yaml/yaml-duration.js';
import { joinPath, type Field, type YamlReader } from '../shared/yaml/yaml-reader.js';
import { subscribersUnder, type FleetIndex } from './eval-fleet.js';

/** A scenario's readers share the YAML reader (errors with file:line) and the fleet ids are checked against. */
export interface ScenarioReading {
  r: YamlReader;
  fleet: FleetIndex;
}

/** One of `allowed`, else an error with the nearest word as a hint. */
export function readWord<T extends string>(
  r: YamlReader,
  field: Field,
  path: string,
  allowed: readonly T[],
  noun: string,
): T | undefined {
  const value = r.string(field, path);
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const hint = closestWord(value, allowed);
  return r.fail(
    field.value,
    path,
    `unknown ${noun} "${value}"${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${allowed.join(', ')}`,
  );
}

/** A duration with a unit ("30s", "2m"), in seconds. */
export function readSeconds(r: YamlReader, field: Field, path: string): number | undefined {
  const seconds = parseYamlDuration(r.scalar(field));
  return seconds === undefined ? r.fail(field.value ?? field.keyNode, path, DURATION_HINT) : seconds;
}

/** Text values of a field holding one text or a list of them. */
function texts(r: YamlReader, field: Field, path: string): string[] | undefined {
  const nodes = r.list(field, path);
  if (!nodes) return undefined;
  const out: string[] = [];
  nodes.forEach((node, i) => {
    const value = r.string({ key: field.key, keyNode: field.keyNode, value: node }, `${path}[${i}]`);
    if (value !== undefined) out.push(value);
  });
  return out;
}

function knownDevice(s: ScenarioReading, node: Node | null, path: string, id: string): boolean {
  if (s.fleet.kindOf.has(id)) return true;
  const hint = closestWord(id, [...s.fleet.kindOf.keys()]);
  s.r.fail(node, path, `no device "${id}" in this fleet${hint ? ` (did you mean "${hint}"?)` : ''}`);
  return false;
}

/** A parent whose direct children are meant: it must have some. */
function childrenOf(s: ScenarioReading, field: Field, path: string): string[] | undefined {
  const id = s.r.string(field, path);
  if (id === undefined || !knownDevice(s, field.value, path, id)) return undefined;
  const children = s.fleet.childrenOf.get(id);
  return children ?? s.r.fail(field.value, path, `"${id}" has no devices under it`);
}

/** `device: id`, `devices: [ids]` or `under: parent` (its direct children): exactly one of them. */
export function readDevices(
  s: ScenarioReading,
  fields: ReadonlyMap<string, Field>,
  path: string,
  at: Node,
): string[] | undefined {
  const given = ['device', 'devices', 'under'].filter((k) => fields.has(k));
  if (given.length !== 1)
    return s.r.fail(at, path, 'name the devices with exactly one of "device", "devices" or "under"');
  const key = given[0] as string;
  const field = fields.get(key) as Field;
  const where = joinPath(path, key);
  if (key === 'under') return childrenOf(s, field, where);
  const ids = key === 'device' ? [s.r.string(field, where)] : (texts(s.r, field, where) ?? []);
  const known = ids.filter((id): id is string => id !== undefined && knownDevice(s, field.value, where, id));
  return known.length === ids.length && ids.length > 0 ? known : undefined;
}

/** `subscriber: id`, `subscribers: [ids]` or `under: parent` (every subscriber behind it). */
export function readSubscribers(
  s: ScenarioReading,
  fields: ReadonlyMap<string, Field>,
  path: string,
  at: Node,
): string[] | undefined {
  const given = ['subscriber', 'subscribers', 'under'].filter((k) => fields.has(k));
  if (given.length !== 1)
    return s.r.fail(
      at,
      path,
      'name the subscribers with exactly one of "subscriber", "subscribers" or "under"',
    );
  const key = given[0] as string;
  const field = fields.get(key) as Field;
  const where = joinPath(path, key);
  if (key === 'under') {
    const id = s.r.string(field, where);
    if (id === undefined || !knownDevice(s, field.value, where, id)) return undefined;
    const subscribers = subscribersUnder(s.fleet, id);
    return subscribers.length > 0
      ? subscribers
      : s.r.fail(field.value, where, `no subscriber behind "${id}"`);
  }
  const ids = key === 'subscriber' ? [s.r.string(field, where)] : (texts(s.r, field, where) ?? []);
  const known = s.fleet.subscriberIds;
  const out = ids.filter((id): id is string => {
    if (id === undefined) return false;
    if (known.includes(id)) return true;
    const hint = closestWord(id, known);
    s.r.fail(
      field.value,
      where,
      `no subscriber "${id}" in this fleet${hint ? ` (did you mean "${hint}"?)` : ''}`,
    );
    return false;
  });
  return out.length === ids.length && ids.length > 0 ? out : undefined;
}
