import type { PollSample, SampleValue } from './poll-result.js';
import type { DerivedFormula, DerivedMetric, DerivedTerm } from './probe-types.js';
import { anyConditionHolds } from './row-selection.js';

/** What one derived metric came to, and from which alternative and rows, for `vigil probe`. */
export interface DerivedOutcome {
  value: number | null;
  /** Index of the alternative used; absent when none could be computed. */
  alternative?: number;
  /** Row indices each table term took, by table name. */
  rows: Record<string, string[]>;
}

const numeric = (value: SampleValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** RFC 3433 EntitySensorDataScale: yocto(1) … units(9) … yotta(17), a power of 1000 each. */
const dataScaleFactor = (scale: number): number => 1000 ** (scale - 9);

/**
 * One table term, reduced as the rows are read: no list of values, no [index, row] pairs. `rows` (for
 * `vigil probe`'s explanation) is only filled when asked for; every poll of every device asks nothing.
 */
function tableTerm(
  term: Extract<DerivedTerm, { kind: 'table' }>,
  sample: PollSample,
  rows: Record<string, string[]> | undefined,
): number | undefined {
  const table = sample.tables[term.table];
  let count = 0;
  let reduced = 0;
  for (const index in table) {
    const row = table[index] as Record<string, SampleValue>;
    if (!anyConditionHolds(term.where, row)) continue;
    let value = numeric(row[term.column]);
    if (value === undefined) continue;
    if (term.times !== undefined) value *= numeric(row[term.times]) ?? NaN;
    if (term.precision !== undefined) value /= 10 ** (numeric(row[term.precision]) ?? NaN);
    if (term.dataScale !== undefined) value *= dataScaleFactor(numeric(row[term.dataScale]) ?? NaN);
    if (!Number.isFinite(value)) continue;
    if (count === 0) reduced = value;
    else if (term.reduce === 'max') reduced = Math.max(reduced, value);
    else if (term.reduce === 'min') reduced = Math.min(reduced, value);
    else reduced += value;
    count += 1;
    if (rows) (rows[term.table] ??= []).push(index);
  }
  if (count === 0) return undefined;
  return term.reduce === 'average' ? reduced / count : reduced;
}

function termValue(
  term: DerivedTerm,
  sample: PollSample,
  rows: Record<string, string[]> | undefined,
): number | undefined {
  switch (term.kind) {
    case 'constant':
      return term.value;
    case 'scalar':
      return numeric(sample.scalars[term.name]) ?? term.ifMissing;
    case 'table':
      return tableTerm(term, sample, rows) ?? term.ifMissing;
  }
}

function formulaValue(
  formula: DerivedFormula,
  sample: PollSample,
  rows: Record<string, string[]> | undefined,
): number | undefined {
  // Indexed loops: `for…of` left an iterator result per term in the garbage of every poll.
  const { sum, minus } = formula;
  let total = 0;
  for (let i = 0; i < sum.length; i++) {
    const value = termValue(sum[i] as DerivedTerm, sample, rows);
    if (value === undefined) return undefined;
    total += value;
  }
  for (let i = 0; i < minus.length; i++) {
    const value = termValue(minus[i] as DerivedTerm, sample, rows);
    if (value === undefined) return undefined;
    total -= value;
  }
  return total * formula.scale;
}

/** One derived metric over a sample: the first alternative that the agent's answers can compute. */
export function computeDerivedMetric(metric: DerivedMetric, sample: PollSample): DerivedOutcome {
  for (const [alternative, formula] of metric.alternatives.entries()) {
    const rows: Record<string, string[]> = {};
    const value = formulaValue(formula, sample, rows);
    if (value !== undefined) return { value, alternative, rows };
  }
  return { value: null, rows: {} };
}

/** Writes every derived metric into the sample's scalars (null when none of its alternatives could). */
export function applyDerived(derived: readonly DerivedMetric[], sample: PollSample): void {
  for (let i = 0; i < derived.length; i++) {
    const metric = derived[i] as DerivedMetric;
    sample.scalars[metric.name] = derivedValue(metric, sample);
  }
}

/** computeDerivedMetric's value alone, with no record of the rows taken: what every poll needs. */
function derivedValue(metric: DerivedMetric, sample: PollSample): number | null {
  const { alternatives } = metric;
  for (let i = 0; i < alternatives.length; i++) {
    const value = formulaValue(alternatives[i] as DerivedFormula, sample, undefined);
    if (value !== undefined) return value;
  }
  return null;
}
