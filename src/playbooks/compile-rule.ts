import { isScalar, type Node } from 'yaml';
import { FINDING_KINDS } from '../detection/finding.js';
import { DEVICE_KINDS } from '../inventory/inventory-types.js';
import { closestWord } from '../shared/yaml/closest-word.js';
import { DURATION_HINT, parseYamlDuration } from '../shared/yaml/yaml-duration.js';
import type { Field, YamlReader } from '../shared/yaml/yaml-reader.js';
import { compileTemplate } from './compile-template.js';
import { placeholdersFor } from './placeholder-catalogue.js';
import {
  INCIDENT_KINDS,
  LANGUAGES,
  SEVERITIES,
  SUGGESTION_KINDS,
  type PlaybookRule,
  type RuleMatch,
  type SuggestionTemplate,
  type TemplatePart,
  type Texts,
} from './playbook-types.js';

const RULE_KEYS = ['id', 'description', 'match', 'suggest', 'priority', 'text', 'whenUnreachable'] as const;
const MATCH_KEYS = [
  'findings',
  'incidents',
  'deviceKinds',
  'model',
  'severityAtLeast',
  'openFor',
  'rebootFailed',
] as const;
/** Rule ids are suggestion causes in explain and metrics: lower-case kebab words. */
const RULE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Compiles `rules[i]`; records every error on the reader and returns the rule only when it is whole. */
export function compileRule(
  r: YamlReader,
  node: Node,
  path: string,
  file: string,
  /** Rule ids seen so far in this file, with their lines. */
  seen: Map<string, number>,
): PlaybookRule | undefined {
  const fields = r.map(node, path, {
    allowed: RULE_KEYS,
    required: ['id', 'match', 'suggest', 'priority', 'text'],
  });
  if (!fields) return undefined;
  const before = r.errors.length;
  const idField = fields.get('id');
  const id = idField ? r.string(idField, `${path}.id`) : undefined;
  if (idField && id !== undefined && !RULE_ID.test(id))
    r.fail(idField.value, `${path}.id`, `"${id}" is not a kebab-case id`);
  const first = id === undefined ? undefined : seen.get(id);
  if (id !== undefined && first !== undefined)
    r.fail(idField?.value, `${path}.id`, `duplicate rule id "${id}" (first at line ${first})`);
  else if (id !== undefined) seen.set(id, r.lineOf(idField?.value));
  const descriptionField = fields.get('description');
  const description = descriptionField ? r.string(descriptionField, `${path}.description`) : undefined;
  const matchField = fields.get('match');
  const matchErrors = r.errors.length;
  const match = matchField ? compileMatch(r, matchField, `${path}.match`) : undefined;
  // Which names a text may use depends on what the rule matches; when that is in doubt, the texts
  // are not checked, rather than reported for names that the fixed match would allow.
  const known = match && r.errors.length === matchErrors ? placeholdersFor(match.findings) : undefined;
  const template = compileSuggestion(r, fields, path, known);
  const unreachableField = fields.get('whenUnreachable');
  let whenUnreachable: SuggestionTemplate | undefined;
  if (unreachableField) {
    const where = `${path}.whenUnreachable`;
    if (template?.suggest !== undefined && template.suggest !== 'remote_reboot')
      r.fail(
        unreachableField.keyNode,
        where,
        'only a remote_reboot rule has a fallback for an unreachable device',
      );
    const inner = r.map(unreachableField.value ?? unreachableField.keyNode, where, {
      allowed: ['suggest', 'priority', 'text'],
      required: ['suggest', 'priority', 'text'],
    });
    whenUnreachable = inner ? compileSuggestion(r, inner, where, known) : undefined;
    if (whenUnreachable?.suggest === 'remote_reboot')
      r.fail(
        inner?.get('suggest')?.value,
        `${where}.suggest`,
        'an unreachable device cannot be rebooted remotely',
      );
  }
  if (r.errors.length > before || !id || !match || !template) return undefined;
  return {
    id,
    ...(description !== undefined ? { description } : {}),
    source: { file, line: r.lineOf(idField?.value) },
    match,
    ...template,
    ...(whenUnreachable ? { whenUnreachable } : {}),
  };
}

function compileMatch(r: YamlReader, field: Field, path: string): RuleMatch | undefined {
  const fields = r.map(field.value ?? field.keyNode, path, { allowed: MATCH_KEYS });
  if (!fields) return undefined;
  const match: RuleMatch = {};
  const findings = fields.get('findings');
  const incidents = fields.get('incidents');
  if (findings) match.findings = words(r, findings, `${path}.findings`, FINDING_KINDS, 'finding kind');
  if (incidents) match.incidents = words(r, incidents, `${path}.incidents`, INCIDENT_KINDS, 'incident kind');
  if (!findings === !incidents)
    r.fail(
      field.value ?? field.keyNode,
      path,
      'a rule matches either findings or incidents (exactly one of them)',
    );
  const deviceKinds = fields.get('deviceKinds');
  if (deviceKinds)
    match.deviceKinds = words(r, deviceKinds, `${path}.deviceKinds`, DEVICE_KINDS, 'device kind');
  const model = fields.get('model');
  const pattern = model ? r.string(model, `${path}.model`) : undefined;
  if (model && pattern !== undefined)
    try {
      match.model = new RegExp(pattern);
    } catch (error) {
      r.fail(model.value, `${path}.model`, `not a valid regular expression: ${(error as Error).message}`);
    }
  const findingOnly = (key: 'severityAtLeast' | 'openFor' | 'rebootFailed'): Field | undefined => {
    const f = fields.get(key);
    if (f && incidents) r.fail(f.keyNode, `${path}.${key}`, `${key} applies to findings, not to incidents`);
    return f;
  };
  const severity = findingOnly('severityAtLeast');
  if (severity)
    match.severityAtLeast = words(r, severity, `${path}.severityAtLeast`, SEVERITIES, 'severity', true)?.[0];
  const openFor = findingOnly('openFor');
  if (openFor) {
    const seconds = parseYamlDuration(r.scalar(openFor));
    if (seconds === undefined) r.fail(openFor.value ?? openFor.keyNode, `${path}.openFor`, DURATION_HINT);
    else match.openForMs = seconds * 1000;
  }
  const rebootFailed = findingOnly('rebootFailed');
  if (rebootFailed) {
    const value = r.boolean(rebootFailed, `${path}.rebootFailed`);
    if (value !== undefined) match.rebootFailed = value;
  }
  return match;
}

/** `suggest`, `priority` and `text: { ru, en }`, shared by a rule and its whenUnreachable fallback. */
function compileSuggestion(
  r: YamlReader,
  fields: Map<string, Field>,
  path: string,
  known: readonly string[] | undefined,
): SuggestionTemplate | undefined {
  const suggestField = fields.get('suggest');
  const suggest = suggestField
    ? words(r, suggestField, `${path}.suggest`, SUGGESTION_KINDS, 'suggestion', true)?.[0]
    : undefined;
  const priorityField = fields.get('priority');
  const priority = priorityField ? r.integer(priorityField, `${path}.priority`, 1, 9) : undefined;
  const textField = fields.get('text');
  const textFields = textField
    ? r.map(textField.value ?? textField.keyNode, `${path}.text`, { allowed: LANGUAGES, required: LANGUAGES })
    : undefined;
  const text: Partial<Record<(typeof LANGUAGES)[number], TemplatePart[]>> = {};
  for (const language of LANGUAGES) {
    const f = textFields?.get(language);
    const value = f ? r.string(f, `${path}.text.${language}`) : undefined;
    if (!f || value === undefined) continue;
    const compiled = compileTemplate(value, known);
    if ('errors' in compiled)
      for (const e of new Set(compiled.errors)) r.fail(f.value, `${path}.text.${language}`, e);
    else text[language] = compiled.parts;
  }
  if (!suggest || priority === undefined || !text.ru || !text.en) return undefined;
  return { suggest, priority, text: text as Texts };
}

/** A word or a list of words from a closed set; `single` wants exactly one plain word. */
function words<T extends string>(
  r: YamlReader,
  field: Field,
  path: string,
  allowed: readonly T[],
  noun: string,
  single = false,
): T[] | undefined {
  const nodes: { node: Node; path: string }[] = [];
  // `findings: stale_uptime` is a list of one, as `findings: [stale_uptime]`.
  if (single || isScalar(field.value)) nodes.push({ node: field.value ?? field.keyNode, path });
  else {
    const items = r.list(field, path);
    if (!items) return undefined;
    if (items.length === 0) r.fail(field.value, path, `list at least one ${noun}`);
    items.forEach((node, i) => nodes.push({ node, path: `${path}[${i}]` }));
  }
  const result: T[] = [];
  for (const { node, path: where } of nodes) {
    const value = r.scalar({ key: where, keyNode: node, value: node });
    const word = allowed.find((w) => w === value);
    if (word === undefined) {
      const hint = typeof value === 'string' ? closestWord(value, allowed) : undefined;
      r.fail(
        node,
        where,
        `unknown ${noun} ${JSON.stringify(value ?? null)}${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${allowed.join(', ')}`,
      );
    } else if (result.includes(word)) r.fail(node, where, `"${word}" is listed twice`);
    else result.push(word);
  }
  return result.length === nodes.length ? result : undefined;
}
