import { compilePlaybook } from './compile-playbook.js';
import { sortPlaybookErrors, type PlaybookError } from './playbook-error.js';
import type { Playbook } from './playbook-types.js';

export type PlaybookSet = { playbooks: readonly Playbook[] } | { errors: PlaybookError[] };

/**
 * Compiles every playbook file at once (pure): each file's errors, then what only the set shows —
 * a rule id used in two files (explain and outcome reports name rules by id, so it must be unique).
 * The result is deep-frozen: one compiled set is shared by every plan.
 */
export function compilePlaybooks(sources: readonly { file: string; text: string }[]): PlaybookSet {
  const errors: PlaybookError[] = [];
  const playbooks: Playbook[] = [];
  for (const { file, text } of [...sources].sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
  )) {
    const result = compilePlaybook(text, file);
    if ('errors' in result) errors.push(...result.errors);
    else playbooks.push(result.playbook);
  }
  const owners = new Map<string, string>();
  for (const playbook of playbooks)
    for (const rule of playbook.rules) {
      const owner = owners.get(rule.id);
      if (owner && owner !== rule.source.file)
        errors.push({
          file: rule.source.file,
          line: rule.source.line,
          path: 'rules',
          message: `rule id "${rule.id}" is already used in ${owner}`,
        });
      else owners.set(rule.id, rule.source.file);
    }
  if (errors.length > 0) return { errors: sortPlaybookErrors(errors) };
  return { playbooks: deepFreeze(playbooks) };
}

/** RegExp objects keep their state in lastIndex; ours are never global, so freezing them is safe. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value as object)) deepFreeze(child as unknown);
    Object.freeze(value);
  }
  return value;
}
