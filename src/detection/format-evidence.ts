/**
 * Numbers in evidence summaries, in one fixed locale ('en') so that the text does not depend on the
 * host's locale and tests are deterministic: "1,240", "−29.4", "41 days", "the last hour".
 */
const WHOLE = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** U+2212 MINUS SIGN, as in "−29.4 dBm": a hyphen reads as a dash next to words. */
const MINUS = '\u2212';

/** A whole number with thousands separators: 1240 → "1,240". */
export function formatCount(n: number): string {
  return withMinus(WHOLE.format(Math.round(n)));
}

/** At most one decimal: -29.44 → "−29.4", -27 → "−27". */
export function formatDecimal(n: number): string {
  return withMinus(ONE_DECIMAL.format(n));
}

function withMinus(text: string): string {
  return text.startsWith('-') ? MINUS + text.slice(1) : text;
}

const UNITS: ReadonlyArray<readonly [seconds: number, singular: string]> = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** A count and its unit, agreeing in number: 1 → "1 device", 3 → "3 devices", 1240 → "1,240 devices". */
export function formatQuantity(n: number, unit: string): string {
  return `${formatCount(n)} ${unit}${n === 1 ? '' : 's'}`;
}

/** A duration in its largest whole unit, rounded down: 3,542,400 s → "41 days"; 90 s → "1 minute". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  for (const [size, unit] of UNITS) {
    if (s >= size) return formatQuantity(Math.floor(s / size), unit);
  }
  return formatQuantity(0, 'second');
}

/** A look-back window: 3600 → "the last hour", 600 → "the last 10 minutes", 5400 → "the last 90 minutes". */
export function formatWindow(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  for (const [size, unit] of UNITS) {
    if (s % size === 0) {
      const n = s / size;
      return n === 1 ? `the last ${unit}` : `the last ${formatQuantity(n, unit)}`;
    }
  }
  return `the last ${formatQuantity(s, 'second')}`;
}
