import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closestWord } from '../shared/yaml/closest-word.js';
import { formatYamlFileError } from '../shared/yaml/yaml-file-error.js';
import type { EvalScenario } from './eval-scenario.js';
import { parseEvalScenario } from './parse-eval-scenario.js';

export interface ScenarioSelection {
  /** Scenario names (file names without .yaml) to run; all when empty. */
  only: readonly string[];
  /** Only the scenarios marked `quick: true`. */
  quick: boolean;
}

/**
 * Every `*.yaml` of the directory, parsed and checked, then the selection: the scenarios to run, or
 * every problem found (`file:line path: message`; a name in `--only` that is no scenario, with a hint).
 */
export function loadEvalScenarios(
  dir: string,
  selection: ScenarioSelection,
): { scenarios: EvalScenario[] } | { errors: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'));
  } catch (error) {
    return { errors: [`${dir}: cannot read the scenario directory (${(error as Error).message})`] };
  }
  const errors: string[] = [];
  const scenarios: EvalScenario[] = [];
  for (const name of names.sort()) {
    const file = join(dir, name);
    const result = parseEvalScenario(readFileSync(file, 'utf8'), file);
    if ('errors' in result) errors.push(...result.errors.map(formatYamlFileError));
    else scenarios.push(result.scenario);
  }
  const known = scenarios.map((s) => s.name);
  for (const wanted of selection.only) {
    if (known.includes(wanted) || names.some((n) => n.replace(/\.ya?ml$/, '') === wanted)) continue;
    const hint = closestWord(wanted, known);
    errors.push(
      `--only ${wanted}: no scenario of that name in ${dir}${hint ? ` (did you mean "${hint}"?)` : ''}`,
    );
  }
  if (errors.length > 0) return { errors };
  const chosen = scenarios.filter(
    (s) => (selection.only.length === 0 || selection.only.includes(s.name)) && (!selection.quick || s.quick),
  );
  if (chosen.length === 0) return { errors: [`${dir}: no scenario matches the selection`] };
  return { scenarios: chosen };
}
