import { TransformKind, type StaticDecode, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { coerceEnvValue } from './coerce-env-value.js';
import { describeExpected } from './describe-expected.js';

export type Env = Record<string, string | undefined>;

export interface ReadEnvOptions {
  /** Put before every property name to make the variable's name ("VIGIL_SNMP_LTE_SIM_" + "USER"). */
  prefix?: string;
}

/**
 * Reads the variables a spec declares (its property names are the variables' names): coerces each
 * to its declared type, applies defaults, and adds one problem per bad variable, naming it and what
 * it accepts, so one restart fixes them all. A bad value falls back to its default so cross-field
 * checks still see sane numbers; the result only counts when no problem was added.
 */
export function readEnv<T extends TObject>(
  spec: T,
  env: Env,
  problems: string[],
  options: ReadEnvOptions = {},
): StaticDecode<T> {
  const values: Record<string, unknown> = {};
  const required = new Set(spec.required ?? []);
  for (const [key, schema] of Object.entries(spec.properties as Record<string, TSchema>)) {
    const name = `${options.prefix ?? ''}${key}`;
    const raw = env[name];
    const value = raw === undefined ? undefined : readEnvVariable(name, schema, raw, problems);
    if (value !== undefined) values[key] = value;
    else if ('default' in schema) values[key] = decode(schema, Value.Clone(schema.default));
    else if (raw === undefined && required.has(key))
      problems.push(`${name}: required, ${describeExpected(schema)}`);
  }
  return values;
}

/**
 * Reads one variable's text against its schema; `undefined` (and a problem added) when it does not
 * fit. A secret's text never enters the problem.
 */
export function readEnvVariable<S extends TSchema>(
  name: string,
  schema: S,
  raw: string,
  problems: string[],
): StaticDecode<S> | undefined {
  const value = coerceEnvValue(schema, raw);
  if (Value.Check(schema, value)) return decode(schema, value);
  const got = schema.secret === true ? '' : `, got "${raw}"`;
  problems.push(`${name}: ${describeExpected(schema)}${got}`);
  return undefined;
}

function decode(schema: TSchema, value: unknown): unknown {
  return TransformKind in schema ? Value.Decode(schema, value) : value;
}
