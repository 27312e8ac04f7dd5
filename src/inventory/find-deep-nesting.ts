/** Where a JSON text nests too deep: the keys and indexes of its first three levels at that point. */
export type NestingPath = (string | number)[];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
/** Levels whose current key or index is tracked: document → list → row (or row → field → …). */
const TRACKED = 3;
/** Enough for a location; a key longer than this is cut in the report. */
const KEY_CHARS = 64;
/** Past this many places the document is refused anyway; a longer list helps nobody. */
const MAX_REPORTS = 1000;

/**
 * Finds where a JSON text nests deeper than `maxDepth` levels, in one pass over the text and without
 * parsing it. JSON.parse itself copes with any depth, but a 20 MB run of "[" costs it 8 s and 600 MB
 * (Node 20), and every recursive walk after it (key sorting, JSON.stringify) overflows the stack: so the
 * text is refused before it is parsed. Each place is reported once, by the path of its first
 * `TRACKED` levels (`["devices", 12, "extra"]`), in text order. The text need not be valid JSON:
 * syntax is JSON.parse's to judge once the depth is known to be harmless.
 */
export function findDeepNesting(text: string, maxDepth: number): NestingPath[] {
  const found: NestingPath[] = [];
  const seen = new Set<string>();
  const path: NestingPath = [];
  /** Per tracked level: is the container there an object (keys) or an array (indexes)? */
  const isObject: boolean[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey && depth >= 1 && depth <= TRACKED) {
        path[depth - 1] = text.slice(i + 1, Math.min(end, i + 1 + KEY_CHARS));
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth <= TRACKED) {
        isObject[depth] = c === OPEN_OBJECT;
        path[depth - 1] = c === OPEN_OBJECT ? '' : 0;
        path.length = depth;
        expectKey = c === OPEN_OBJECT;
      }
      // Only the crossing counts: everything deeper is inside a place already found.
      if (depth === maxDepth + 1) {
        const where = path.slice(0, Math.min(depth - 1, TRACKED));
        const key = JSON.stringify(where);
        if (!seen.has(key)) {
          seen.add(key);
          found.push(where);
          if (found.length >= MAX_REPORTS) return found;
        }
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      // Never below the top: a stray "]" is JSON.parse's to refuse, not ours to count.
      if (depth > 0) depth--;
      expectKey = false;
    } else if (c === COMMA && depth >= 1 && depth <= TRACKED) {
      if (isObject[depth]) expectKey = true;
      else path[depth - 1] = (path[depth - 1] as number) + 1;
    }
  }
  return found;
}

/** The index of the quote closing the string that opens at `start` (or the text's end). */
function stringEnd(text: string, start: number): number {
  let at = start;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return text.length;
    // Escaped only if preceded by an odd run of backslashes.
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
