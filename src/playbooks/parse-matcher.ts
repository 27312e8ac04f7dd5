import { FINDING_KINDS } from '../detection/finding.js';
import { DEVICE_KINDS } from '../inventory/inventory-types.js';
import { closestWord } from '../shared/yaml/closest-word.js';
import {
  INCIDENT_KINDS,
  SEVERITIES,
  SUGGESTION_KINDS,
  type Matcher,
  type MatcherOp,
} from './playbook-types.js';

/**
 * The labels a planned item carries (a suggestion, a finding or an incident of the device), the only
 * names matchers and `equal` may use. `type` says which of the three it is.
 */
export const MATCHER_LABELS = [
  'type',
  'suggestion',
  'rule',
  'finding',
  'incident',
  'severity',
  'device',
  'device_kind',
  'parent',
  'model',
] as const;

/** For labels with a closed set of values, a typo in `=` or `!=` is caught here rather than never matching. */
const VALUES: Partial<Record<string, readonly string[]>> = {
  type: ['suggestion', 'finding', 'incident'],
  suggestion: SUGGESTION_KINDS,
  finding: FINDING_KINDS,
  incident: INCIDENT_KINDS,
  severity: SEVERITIES,
  device_kind: DEVICE_KINDS,
};

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

/** Parses an Alertmanager matcher, `suggestion!="outage_notice"` or `incident=~"outage|planned_works"`. */
export function parseMatcher(text: string): { matcher: Matcher } | { error: string } {
  const match = MATCHER.exec(text);
  if (!match)
    return {
      error: `"${text}" is not a matcher; write label="value", label!="value", label=~"re" or label!~"re"`,
    };
  const label = match[1] ?? '';
  const op = match[2] as MatcherOp;
  const value = (match[3] ?? '').replace(/\\(.)/g, '$1');
  const labelError = checkLabel(label);
  if (labelError) return { error: labelError };
  if (op === '=~' || op === '!~') {
    try {
      return { matcher: { label, op, value, regex: new RegExp(`^(?:${value})$`), text } };
    } catch (error) {
      return { error: `"${value}" is not a valid regular expression: ${(error as Error).message}` };
    }
  }
  const allowed = VALUES[label];
  if (allowed && !allowed.includes(value)) {
    const hint = closestWord(value, allowed);
    return {
      error: `unknown ${label} "${value}"${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${allowed.join(', ')}`,
    };
  }
  return { matcher: { label, op, value, text } };
}

/** An error message for a label no item carries, or undefined. */
export function checkLabel(label: string): string | undefined {
  if ((MATCHER_LABELS as readonly string[]).includes(label)) return undefined;
  const hint = closestWord(label, MATCHER_LABELS);
  return `unknown label "${label}"${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${MATCHER_LABELS.join(', ')}`;
}

/** Alertmanager semantics: a missing label is the empty string. */
export function matches(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const actual = labels[matcher.label] ?? '';
  switch (matcher.op) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return matcher.regex?.test(actual) ?? false;
    case '!~':
      return !(matcher.regex?.test(actual) ?? false);
  }
}
