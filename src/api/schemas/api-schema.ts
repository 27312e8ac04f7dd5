import { Kind, Type, TypeRegistry, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { ApiTimes } from '../../shared/api-times.js';

/**
 * Building blocks of the response schemas. Each answer's schema is a TypeBox type: one value that is
 * both the JSON Schema fastify serializes with (and @fastify/swagger publishes) and, through `Static`,
 * the TypeScript type of the answer, checked against the type the code builds by `documents` below.
 */

/** An instant: every time in an answer or event is an ISO 8601 string (see shared/api-times.ts). */
export const IsoTime = (description?: string) =>
  Type.String({
    format: 'date-time',
    examples: ['2026-11-30T08:41:16.000Z'],
    ...(description ? { description } : {}),
  });

// TypeBox's own checker (tests validate answers with it) learns the kind once; JSON Schema sees `enum`.
if (!TypeRegistry.Has('StringEnum'))
  TypeRegistry.Set<{ enum: string[] }>('StringEnum', (schema, value) =>
    schema.enum.includes(value as string),
  );

/** A string from a closed list, published as `enum` (clearer in the docs than a union of consts). */
export const StringEnum = <T extends readonly string[]>(
  values: T,
  description?: string,
): TUnsafe<T[number]> =>
  Type.Unsafe<T[number]>({
    [Kind]: 'StringEnum',
    type: 'string',
    enum: [...values],
    ...(description ? { description } : {}),
  });

/**
 * A stored record's view. Its known fields are documented; fields added later are still sent
 * (`additionalProperties: true`), never stripped by the serializer while their docs catch up — and
 * `documents` fails the type-check until they do.
 */
export const Record_ = <P extends Parameters<typeof Type.Object>[0]>(properties: P, description: string) =>
  Type.Object(properties, { additionalProperties: true, description });

/** Keys of the answer type `T` (in its API form, times as strings) that schema `S` does not document. */
export type Undocumented<S extends TSchema, T> = Exclude<KnownKeys<ApiTimes<T>>, keyof Static<S>>;
/** The named keys of T, without an index signature's `string` (inventory records keep extra fields). */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/**
 * Ties a schema to the type the code builds: `documents<DeviceStateView>()(DeviceState)` does not
 * type-check while the view has a field the schema does not name, so the two cannot drift apart.
 */
export function documents<T>() {
  return <S extends TSchema>(
    schema: S & ([Undocumented<S, T>] extends [never] ? unknown : { undocumented: Undocumented<S, T> }),
  ): S => schema;
}

/** `{ items: [...] }`, the shape of every list answer, with the cursor when it pages. */
export const Page = <T extends TSchema>(item: T, description: string, paged = false) =>
  Type.Object(
    {
      items: Type.Array(item),
      ...(paged
        ? { nextCursor: Type.Optional(Type.String({ description: 'pass as `cursor` for the next page' })) }
        : {}),
    },
    { description },
  );
