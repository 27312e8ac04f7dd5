/**
 * One time format in the API: ISO 8601 (RFC 3339 `date-time`) strings. Stored records keep epoch
 * milliseconds (cheap to compare and sort in Redis); answers and stream events are converted here, at
 * the edge, by field name: a number under a key that names an instant (`at`, `since`, `until`, `eta`,
 * `…At`, `…Since`, `…Until`) within the years 2000–2999 becomes `new Date(ms).toISOString()`. Durations
 * carry their unit in the name (`…Ms`, `…Seconds`) and are never touched.
 */
const TIME_KEY = /^(?:at|since|until|eta)$|[a-z](?:At|Since|Until)$/;
const YEAR_2000_MS = 946_684_800_000;
const YEAR_3000_MS = 32_503_680_000_000;

/** A value with every epoch-ms instant (by the rule above) as an ISO 8601 string. */
export type ApiTimes<T> = T extends number | string | boolean | null | undefined
  ? T
  : T extends readonly (infer Item)[]
    ? ApiTimes<Item>[]
    : T extends object
      ? { [K in keyof T]: K extends TimeKey ? IsoOf<T[K]> : ApiTimes<T[K]> }
      : T;
type TimeKey = 'at' | 'since' | 'until' | 'eta' | `${string}At` | `${string}Since` | `${string}Until`;
type IsoOf<V> = V extends number ? string : ApiTimes<V>;

export function isTimeKey(key: string): boolean {
  return TIME_KEY.test(key);
}

function isEpochMs(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= YEAR_2000_MS && value < YEAR_3000_MS
  );
}

/** A copy of `value` with its instants as ISO strings; anything else is shared, not copied. */
export function toApiTimes<T>(value: T): ApiTimes<T> {
  return convert(value, 0) as ApiTimes<T>;
}

// Answers are trees of plain data; the depth bound only guards against a cycle by mistake.
function convert(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = convert(item, depth + 1);
      if (next !== item) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next =
      isEpochMs(item) && TIME_KEY.test(key) ? new Date(item).toISOString() : convert(item, depth + 1);
    if (next !== item) (out ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return out ?? value;
}
