/** The phases of `vigil bench conversations`; apart from the bench so the CLI can offer them unloaded. */
export const BENCH_PHASES = ['open', 'faults', 'outage'] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];
