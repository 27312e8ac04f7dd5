import type { Node } from 'yaml';
import { INCIDENT_KINDS, type IncidentKind } from '../correlation/index.js';
import { FINDING_KINDS } from '../detection/index.js';
import { SUGGESTION_KINDS } from '../playbooks/index.js';
import { joinPath, type Field } from '../shared/yaml/yaml-reader.js';
import type {
  Checkpoint,
  Expectation,
  FindingExpectation,
  IncidentExpectation,
  SuggestionExpectation,
  TopSuggestion,
} from './eval-scenario.js';
import {
  readDevices,
  readSeconds,
  readSubscribers,
  readWord,
  type ScenarioReading,
} from './scenario-fields.js';

const TOP_KINDS: readonly TopSuggestion[] = [...SUGGESTION_KINDS, 'none', 'any'];

/**
 * `checkpoints:` — what Vigil should show `at` a time:
 *
 *   - at: 12s
 *     findings:    [{ device: cpe-000003, kind: stale_uptime }, { under: bs-0001, kind: unreachable, absent: true }]
 *     suggestions: [{ subscriber: sub-000003, top: remote_reboot }, { under: an-0001, top: outage_notice }]
 *     incidents:   [{ root: bs-0001, kind: outage }]
 *
 * Whatever is not named is expected clean (no finding, top suggestion none, no incident).
 */
export function parseCheckpoints(s: ScenarioReading, field: Field | undefined): Checkpoint[] {
  if (!field) return [];
  const nodes = s.r.list(field, 'checkpoints') ?? [];
  if (nodes.length === 0)
    s.r.fail(field.value ?? field.keyNode, 'checkpoints', 'a scenario needs a checkpoint');
  const checkpoints = nodes.flatMap((node, i) => parseCheckpoint(s, node, `checkpoints[${i}]`) ?? []);
  return checkpoints.sort((a, b) => a.atSeconds - b.atSeconds);
}

function parseCheckpoint(s: ScenarioReading, node: Node, path: string): Checkpoint | undefined {
  const fields = s.r.map(node, path, {
    allowed: ['at', 'findings', 'suggestions', 'incidents'],
    required: ['at'],
  });
  if (!fields) return undefined;
  const atField = fields.get('at');
  const atSeconds = atField ? readSeconds(s.r, atField, joinPath(path, 'at')) : undefined;
  const each = <T>(key: string, read: (node: Node, path: string) => T[] | undefined): T[] => {
    const field = fields.get(key);
    if (!field) return [];
    const items = s.r.list(field, joinPath(path, key)) ?? [];
    return items.flatMap((item, i) => read(item, `${path}.${key}[${i}]`) ?? []);
  };
  const findings = each('findings', (n, p) => findingExpectations(s, n, p));
  const suggestions = each('suggestions', (n, p) => suggestionExpectations(s, n, p));
  const incidents = each('incidents', (n, p) => incidentExpectation(s, n, p));
  if (atSeconds === undefined) return undefined;
  return { line: s.r.lineOf(node), atSeconds, findings, suggestions, incidents };
}

function findingExpectations(s: ScenarioReading, node: Node, path: string): FindingExpectation[] | undefined {
  const fields = s.r.map(node, path, {
    allowed: ['device', 'devices', 'under', 'kind', 'absent', 'optional'],
    required: ['kind'],
  });
  if (!fields) return undefined;
  const kindField = fields.get('kind');
  const kind = kindField && readWord(s.r, kindField, joinPath(path, 'kind'), FINDING_KINDS, 'finding kind');
  const deviceIds = readDevices(s, fields, path, node);
  const expect = expectationOf(s, fields, path, node);
  if (!kind || !deviceIds || !expect) return undefined;
  return deviceIds.map((deviceId) => ({ line: s.r.lineOf(node), deviceId, kind, expect }));
}

/** present by default; `absent: true` or `optional: true` (never both). */
function expectationOf(
  s: ScenarioReading,
  fields: ReadonlyMap<string, Field>,
  path: string,
  node: Node,
): Expectation | undefined {
  const flag = (key: string): boolean | undefined => {
    const field = fields.get(key);
    return field ? s.r.boolean(field, joinPath(path, key)) : false;
  };
  const absent = flag('absent');
  const optional = flag('optional');
  if (absent === undefined || optional === undefined) return undefined;
  if (absent && optional) return s.r.fail(node, path, '"absent" and "optional" exclude each other');
  return absent ? 'absent' : optional ? 'optional' : 'present';
}

function suggestionExpectations(
  s: ScenarioReading,
  node: Node,
  path: string,
): SuggestionExpectation[] | undefined {
  const fields = s.r.map(node, path, {
    allowed: ['subscriber', 'subscribers', 'under', 'top'],
    required: ['top'],
  });
  if (!fields) return undefined;
  const topField = fields.get('top');
  const top = topField && readWord(s.r, topField, joinPath(path, 'top'), TOP_KINDS, 'suggestion kind');
  const subscriberIds = readSubscribers(s, fields, path, node);
  if (!top || !subscriberIds) return undefined;
  return subscriberIds.map((subscriberId) => ({ line: s.r.lineOf(node), subscriberId, top }));
}

function incidentExpectation(
  s: ScenarioReading,
  node: Node,
  path: string,
): IncidentExpectation[] | undefined {
  const fields = s.r.map(node, path, { allowed: ['root', 'kind'], required: ['root'] });
  if (!fields) return undefined;
  const rootField = fields.get('root');
  const roots = rootField ? readDevices(s, new Map([['device', rootField]]), path, node) : undefined;
  const kindField = fields.get('kind');
  const kind: IncidentKind | undefined = kindField
    ? readWord(s.r, kindField, joinPath(path, 'kind'), INCIDENT_KINDS, 'incident kind')
    : 'outage';
  if (!roots || !kind) return undefined;
  return roots.map((rootDeviceId) => ({ line: s.r.lineOf(node), rootDeviceId, kind }));
}
