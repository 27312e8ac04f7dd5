/**
 * How big one inventory row may be. An inventory comes from an admin's file or an HTTP body up to
 * 64 MiB; every rule here keeps a hostile or broken one (a 20k-deep extra field, a 60 MB string) a
 * located 422 instead of a stack overflow, a multi-second parse or a record that bloats every read.
 * Generous for real inventories: nothing the simulator or an operator's export writes comes near.
 */
export const INVENTORY_LIMITS = {
  /** Object/array levels inside one extra field's value (`{"a": {"b": 1}}` is 2). */
  maxFieldDepth: 16,
  /** Characters in any string value of an extra field, at any depth. */
  maxStringLength: 4096,
  /** Fields on one row besides the known ones (`id`, `kind`, …). */
  maxExtraFields: 64,
  /** Characters in a field name, at any depth. */
  maxFieldNameLength: 128,
  /** Devices one subscriber may name in `deviceIds`. */
  maxDeviceIds: 1000,
} as const;

/**
 * Known fields without a pattern that bounds them already (ids 128, profile and auth names 64,
 * accounts 128, host names 253 come from their patterns).
 */
export const KNOWN_FIELD_MAX_LENGTH = {
  name: 256,
  model: 128,
  phone: 32,
  language: 35,
  /** The longest IANA zone names are about 30 ("America/Argentina/ComodRivadavia"). */
  timeZone: 64,
  host: 253,
} as const;

/** Levels of the JSON document around a row's fields: the document, its list, the row. */
export const DOCUMENT_ROW_DEPTH = 3;
/** An NDJSON line is the row itself. */
export const LINE_ROW_DEPTH = 1;

/** What a too-deep field is told, the same whether found in the text or in a parsed row. */
export function tooDeepReason(field: unknown): string {
  const what = typeof field === 'string' ? `field ${JSON.stringify(field)}` : 'a value';
  return `${what} nests deeper than ${INVENTORY_LIMITS.maxFieldDepth} levels`;
}
