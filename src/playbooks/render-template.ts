import type { TemplatePart } from './playbook-types.js';

export type TemplateValues = Readonly<Record<string, string | number | undefined>>;

/**
 * Fills a compiled text. A `{{#name}}` section shows only when the value is known; a bare value that is
 * unknown prints "?" (the compiler has already checked the name exists, so this means missing evidence).
 */
export function renderTemplate(parts: readonly TemplatePart[], values: TemplateValues): string {
  return parts
    .map((part) => {
      if (part.type === 'text') return part.text;
      const value = values[part.name];
      if (part.type === 'section')
        return value === undefined || value === '' ? '' : renderTemplate(part.parts, values);
      return value === undefined ? '?' : formatValue(value);
    })
    .join('');
}

/** Whole numbers as they are; fractions to one decimal below 100 and rounded above (1240, 3.5). */
function formatValue(value: string | number): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

/** An ETA as agents read it on any desk: "2026-11-22 09:30 UTC". */
export function formatEta(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
