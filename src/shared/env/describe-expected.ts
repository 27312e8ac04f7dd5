import { Kind, type TSchema } from '@sinclair/typebox';

/**
 * What a variable accepts, in words, from its schema: "a number of seconds from 1 to 300",
 * "one of fatal, error, warn". A schema's own `expected` keyword wins.
 */
export function describeExpected(schema: TSchema): string {
  if (typeof schema.expected === 'string') return schema.expected;
  if (schema[Kind] === 'Union') {
    const choices = (schema.anyOf as TSchema[]).map((choice) => String(choice.const));
    return `one of ${choices.join(', ')}`;
  }
  if (schema.type === 'integer' || schema.type === 'number') return describeNumber(schema);
  if (schema.type === 'array')
    return `a comma-separated list, each ${describeExpected(schema.items as TSchema)}`;
  if (schema.type === 'string') {
    if (typeof schema.minLength === 'number') return `at least ${schema.minLength} characters`;
    if (typeof schema.pattern === 'string') return `text matching ${schema.pattern}`;
  }
  return 'text';
}

function describeNumber(schema: TSchema): string {
  const unit = typeof schema.unit === 'string' ? schema.unit : undefined;
  let noun: string;
  if (schema.type === 'integer') noun = unit ? `a whole number of ${unit}` : 'an integer';
  else noun = unit ? `a number of ${unit}` : 'a number';
  const { minimum, maximum, exclusiveMinimum } = schema as Record<string, number | undefined>;
  if (exclusiveMinimum !== undefined && maximum !== undefined)
    return `${noun} above ${exclusiveMinimum} and up to ${maximum}`;
  if (minimum !== undefined && maximum !== undefined) return `${noun} from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `${noun} of at least ${minimum}`;
  if (exclusiveMinimum !== undefined) return `${noun} above ${exclusiveMinimum}`;
  if (maximum !== undefined) return `${noun} up to ${maximum}`;
  return noun;
}
