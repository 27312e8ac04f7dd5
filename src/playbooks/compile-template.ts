import { closestWord } from '../shared/yaml/closest-word.js';
import type { TemplatePart } from './playbook-types.js';

const TAG = /\{\{\s*([#/]?)\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Parses an agent text: `{{days}}` is a value, `{{#eta}}…{{/eta}}` a part shown only when eta is known.
 * Returns the parts, or every problem in it (unknown names with a hint, unclosed or stray sections).
 */
export function compileTemplate(
  text: string,
  /** The names allowed here; undefined skips the check (the rule's match is already in error). */
  known: readonly string[] | undefined,
): { parts: TemplatePart[] } | { errors: string[] } {
  const errors: string[] = [];
  const root: TemplatePart[] = [];
  const stack: { name: string; parts: TemplatePart[] }[] = [];
  const current = (): TemplatePart[] => stack.at(-1)?.parts ?? root;
  const literal = (from: number, to: number): void => {
    const chunk = text.slice(from, to);
    if (chunk.includes('{{') || chunk.includes('}}'))
      errors.push(`"${chunk.trim()}" is not a placeholder; write {{name}}, {{#name}}…{{/name}}`);
    if (chunk !== '') current().push({ type: 'text', text: chunk });
  };
  let last = 0;
  for (const match of text.matchAll(TAG)) {
    literal(last, match.index);
    last = match.index + match[0].length;
    const sigil = match[1] ?? '';
    const name = match[2] ?? '';
    if (known && !known.includes(name)) {
      const hint = closestWord(name, known);
      errors.push(
        `unknown placeholder "{{${name}}}"${hint ? ` (did you mean "{{${hint}}}"?)` : ''}; known here: ${known.join(', ')}`,
      );
    }
    if (sigil === '#') stack.push({ name, parts: [] });
    else if (sigil === '/') {
      const open = stack.pop();
      if (!open || open.name !== name) {
        errors.push(`{{/${name}}} closes ${open ? `{{#${open.name}}}` : 'no open section'}`);
        if (open) stack.push(open);
      } else current().push({ type: 'section', name, parts: open.parts });
    } else current().push({ type: 'value', name });
  }
  literal(last, text.length);
  for (const open of stack) errors.push(`{{#${open.name}}} is never closed with {{/${open.name}}}`);
  return errors.length > 0 ? { errors } : { parts: root };
}

/** The placeholder names a template uses, for tests and explain. */
export function templateNames(parts: readonly TemplatePart[]): string[] {
  return parts.flatMap((part) =>
    part.type === 'text'
      ? []
      : part.type === 'value'
        ? [part.name]
        : [part.name, ...templateNames(part.parts)],
  );
}
