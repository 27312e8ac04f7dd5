import { Type, type SchemaOptions, type TSchema } from '@sinclair/typebox';
import { Secret } from '../secret.js';

/**
 * Keywords the environment reader understands beyond JSON Schema's own: `unit` names what a number
 * counts ("seconds"), `expected` replaces the generated "allowed" text where a pattern would read badly,
 * and `secret` keeps the value out of every message.
 */
export interface EnvFieldOptions extends SchemaOptions {
  unit?: string;
  expected?: string;
  secret?: boolean;
}

/** A credential: read as text, handed out as a `Secret`, never echoed in a problem. */
export function secretString(options: EnvFieldOptions & { minLength?: number } = {}) {
  return Type.Transform(Type.String({ ...options, secret: true }))
    .Decode((value) => new Secret(value))
    .Encode((secret) => secret.reveal());
}

/** A TCP or UDP port; 0 asks the system for any free one. */
export function portNumber(options: EnvFieldOptions = {}) {
  return Type.Integer({ minimum: 0, maximum: 65535, expected: 'a port number 0-65535', ...options });
}

/** Comma-separated entries, trimmed, empty ones dropped ("a, b,,c" → ["a", "b", "c"]). */
export function commaList<T extends TSchema>(item: T, options: EnvFieldOptions = {}) {
  return Type.Array(item, { ...options, separator: ',' });
}
