import type { TSchema } from '@sinclair/typebox';

/**
 * Turns a variable's text into the type its schema declares, without judging it: checking is the
 * schema's job. Blank text stays text for a number, so it fails the check instead of reading as 0.
 */
export function coerceEnvValue(schema: TSchema, raw: string): unknown {
  if (schema.type === 'integer' || schema.type === 'number') return raw.trim() === '' ? raw : Number(raw);
  if (schema.type === 'array') {
    const separator = typeof schema.separator === 'string' ? schema.separator : ',';
    return raw
      .split(separator)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => coerceEnvValue(schema.items as TSchema, entry));
  }
  return raw;
}
