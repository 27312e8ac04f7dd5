import { INVENTORY_LIMITS, tooDeepReason } from './inventory-limits.js';

/**
 * Holds a row's extra fields (those not in `known`) to INVENTORY_LIMITS: how many there are, how deep
 * each nests, how long its strings and key names are. One reason per offending field (not one per
 * string inside it), through `fail`. The walk keeps its own stack, so a value's depth is never ours:
 * a row that reaches here unchecked (parsed by Fastify, built in code) cannot overflow anything.
 */
export function checkRowLimits(
  value: Record<string, unknown>,
  known: readonly string[],
  fail: (reason: string) => void,
): void {
  const { maxExtraFields, maxFieldNameLength } = INVENTORY_LIMITS;
  const extras = Object.keys(value).filter((field) => !known.includes(field));
  if (extras.length > maxExtraFields) {
    fail(`has ${extras.length} extra fields; at most ${maxExtraFields}`);
    return;
  }
  for (const field of extras) {
    if (field.length > maxFieldNameLength) {
      fail(
        `field ${describeValue(field)} has a name of ${field.length} characters; at most ${maxFieldNameLength}`,
      );
      continue;
    }
    const problem = valueProblem(field, value[field]);
    if (problem !== undefined) fail(problem);
  }
}

/**
 * The first rule a field's value breaks, depth-first; undefined when it keeps them all. A frame per
 * level (not an entry per item), so a list of millions costs as little to walk as one of three.
 */
function valueProblem(field: string, root: unknown): string | undefined {
  const { maxFieldDepth, maxStringLength, maxFieldNameLength } = INVENTORY_LIMITS;
  const name = JSON.stringify(field);
  const frames: { items: unknown[]; at: number; depth: number }[] = [];
  /** Checks one value at `depth` (the field's own value is 1); containers become frames. */
  const visit = (value: unknown, depth: number): string | undefined => {
    if (typeof value === 'string')
      return value.length > maxStringLength
        ? `field ${name} holds a string of ${value.length} characters; at most ${maxStringLength}`
        : undefined;
    if (typeof value !== 'object' || value === null) return undefined;
    if (depth > maxFieldDepth) return tooDeepReason(field);
    if (!Array.isArray(value)) {
      const long = Object.keys(value).find((key) => key.length > maxFieldNameLength);
      if (long !== undefined)
        return `field ${name} holds a key of ${long.length} characters; at most ${maxFieldNameLength}`;
    }
    frames.push({ items: Array.isArray(value) ? value : Object.values(value), at: 0, depth });
    return undefined;
  };
  let problem = visit(root, 1);
  while (problem === undefined && frames.length > 0) {
    const frame = frames[frames.length - 1] as (typeof frames)[number];
    if (frame.at >= frame.items.length) frames.pop();
    else problem = visit(frame.items[frame.at++], frame.depth + 1);
  }
  return problem;
}

/** A value as an error message may quote it: short, one line, never the whole of a huge one. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
