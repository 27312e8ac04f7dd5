export interface Latency {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

/** The spread of a set of durations (ms, to 0.1): nearest-rank percentiles. */
export function latency(values: readonly number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted.length === 0
      ? 0
      : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0, 1);
  return {
    n: sorted.length,
    min: round(sorted[0] ?? 0, 1),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: round(sorted.at(-1) ?? 0, 1),
  };
}

/** One more of `key` in a tally. */
export function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}
