import { InvalidArgumentError } from 'commander';
import { BENCH_PHASES, type BenchPhase } from '../../bench/bench-phases.js';

/** A share from 0 to 1 (0.01 = 1%). */
export function share(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InvalidArgumentError(`expected a share from 0 to 1, got "${raw}"`);
  return value;
}

/** Phases of `bench conversations`, comma-separated. */
export function phaseList(raw: string): BenchPhase[] {
  const phases = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const unknown = phases.filter((p) => !(BENCH_PHASES as readonly string[]).includes(p));
  if (phases.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(`expected some of ${BENCH_PHASES.join(', ')}, got "${raw}"`);
  return phases as BenchPhase[];
}

/** The stderr progress writer of a bench: silent with `--json` when only the JSON is printed. */
export const progressTo =
  (quiet: boolean | undefined) =>
  (line: string): void => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
