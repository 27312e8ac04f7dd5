import { basename } from 'node:path';
import { isMap, type Node } from 'yaml';
import { DURATION_HINT, parseYamlDuration } from '../shared/yaml/yaml-duration.js';
import { createYamlReader, type Field, type YamlReader } from '../shared/yaml/yaml-reader.js';
import { compileRule } from './compile-rule.js';
import { checkLabel, parseMatcher } from './parse-matcher.js';
import { sortPlaybookErrors, type PlaybookError } from './playbook-error.js';
import { parseYamlDocument } from '../shared/yaml/parse-yaml-document.js';
import {
  DEFAULT_REBOOT_GUARDS,
  type InhibitRule,
  type Matcher,
  type Playbook,
  type RebootGuards,
} from './playbook-types.js';

const TOP_KEYS = ['name', 'description', 'guards', 'rules', 'inhibit'] as const;
const REBOOT_GUARD_KEYS = ['cooldown', 'maxPer24h', 'maxConcurrentPerParent'] as const;
// Alertmanager's own key names, so an operator who knows inhibit_rules reads these at once.
const INHIBIT_KEYS = ['source_matchers', 'target_matchers', 'equal'] as const;

/**
 * Compiles one playbook file (pure: text and name in, an unfrozen Playbook or every error out, each with
 * its line; compilePlaybooks freezes the set). Same reader and error shape as the probe compiler.
 */
export function compilePlaybook(
  text: string,
  file: string,
): { playbook: Playbook } | { errors: PlaybookError[] } {
  const parsed = parseYamlDocument(text, file);
  if ('errors' in parsed) return { errors: parsed.errors };
  const { doc, lineCounter } = parsed;
  const r = createYamlReader(file, lineCounter);
  if (!isMap(doc.contents)) {
    r.fail(doc.contents, '', 'a playbook is a YAML map with name, description and rules');
    return { errors: r.errors };
  }
  const top = r.map(doc.contents, '', { allowed: TOP_KEYS, required: ['name', 'description', 'rules'] });
  const nameField = top?.get('name');
  const name = nameField ? r.string(nameField, 'name') : undefined;
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (nameField && name !== undefined && name !== expected)
    r.fail(nameField.value, 'name', `"${name}" must equal the file name "${expected}"`);
  const descriptionField = top?.get('description');
  const description = descriptionField ? r.string(descriptionField, 'description') : undefined;
  const reboot = compileGuards(r, top?.get('guards'));
  const seen = new Map<string, number>();
  const rules = listOf(r, top?.get('rules'), 'rules', (node, path) => compileRule(r, node, path, file, seen));
  const inhibitRules = listOf(r, top?.get('inhibit'), 'inhibit', (node, path) =>
    compileInhibit(r, node, path, file),
  );
  if (r.errors.length > 0) return { errors: sortPlaybookErrors(r.errors) };
  return {
    playbook: {
      name: name as string,
      description: description as string,
      source: { file, line: r.lineOf(nameField?.value) },
      guards: { reboot: reboot as RebootGuards },
      rules,
      inhibitRules,
    },
  };
}

function listOf<T>(
  r: YamlReader,
  field: Field | undefined,
  path: string,
  compile: (node: Node, path: string) => T | undefined,
): T[] {
  if (!field) return [];
  const items = r.list(field, path) ?? [];
  return items.flatMap((node, i) => {
    const compiled = compile(node, `${path}[${i}]`);
    return compiled === undefined ? [] : [compiled];
  });
}

function compileGuards(r: YamlReader, field: Field | undefined): RebootGuards | undefined {
  if (!field) return DEFAULT_REBOOT_GUARDS;
  const guards = r.map(field.value ?? field.keyNode, 'guards', { allowed: ['reboot'] });
  const rebootField = guards?.get('reboot');
  if (!rebootField) return DEFAULT_REBOOT_GUARDS;
  const fields = r.map(rebootField.value ?? rebootField.keyNode, 'guards.reboot', {
    allowed: REBOOT_GUARD_KEYS,
  });
  if (!fields) return undefined;
  const result = { ...DEFAULT_REBOOT_GUARDS };
  const cooldown = fields.get('cooldown');
  if (cooldown) {
    const seconds = parseYamlDuration(r.scalar(cooldown));
    if (seconds === undefined)
      r.fail(cooldown.value ?? cooldown.keyNode, 'guards.reboot.cooldown', DURATION_HINT);
    else result.cooldownMs = seconds * 1000;
  }
  const max = fields.get('maxPer24h');
  const maxValue = max ? r.integer(max, 'guards.reboot.maxPer24h', 1, 24) : undefined;
  if (maxValue !== undefined) result.maxPer24h = maxValue;
  const concurrent = fields.get('maxConcurrentPerParent');
  const concurrentValue = concurrent
    ? r.integer(concurrent, 'guards.reboot.maxConcurrentPerParent', 1, 10_000)
    : undefined;
  if (concurrentValue !== undefined) result.maxConcurrentPerParent = concurrentValue;
  return result;
}

function compileInhibit(r: YamlReader, node: Node, path: string, file: string): InhibitRule | undefined {
  const fields = r.map(node, path, {
    allowed: INHIBIT_KEYS,
    required: ['source_matchers', 'target_matchers'],
  });
  if (!fields) return undefined;
  const before = r.errors.length;
  const matchers = (key: 'source_matchers' | 'target_matchers'): Matcher[] => {
    const field = fields.get(key);
    const items = field ? (r.list(field, `${path}.${key}`) ?? []) : [];
    if (field && items.length === 0) r.fail(field.value, `${path}.${key}`, 'list at least one matcher');
    return items.flatMap((item, i) => {
      const text = r.string({ key: String(i), keyNode: item, value: item }, `${path}.${key}[${i}]`);
      if (text === undefined) return [];
      const parsed = parseMatcher(text);
      if ('error' in parsed) return r.fail(item, `${path}.${key}[${i}]`, parsed.error) ?? [];
      return [parsed.matcher];
    });
  };
  const sourceMatchers = matchers('source_matchers');
  const targetMatchers = matchers('target_matchers');
  const equalField = fields.get('equal');
  const equal = (equalField ? (r.list(equalField, `${path}.equal`) ?? []) : []).flatMap((item, i) => {
    const label = r.string({ key: String(i), keyNode: item, value: item }, `${path}.equal[${i}]`);
    const error = label === undefined ? undefined : checkLabel(label);
    if (error) r.fail(item, `${path}.equal[${i}]`, error);
    return label === undefined || error ? [] : [label];
  });
  if (r.errors.length > before) return undefined;
  return { source: { file, line: r.lineOf(node) }, sourceMatchers, targetMatchers, equal };
}
