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

function tableTerm(
  term: Extract<DerivedTerm, { kind: 'table' }>,
  sample: PollSample,
  rows: Record<string, string[]>,
): number | undefined {
  const values: number[] = [];
  for (const [index, row] of Object.entries(sample.tables[term.table] ?? {})) {
    if (!anyConditionHolds(term.where, row)) continue;
    let value = numeric(row[term.column]);
    if (value === undefined) continue;
    if (term.times !== undefined) value *= numeric(row[term.times]) ?? NaN;
    if (term.precision !== undefined) value /= 10 ** (numeric(row[term.precision]) ?? NaN);
    if (term.dataScale !== undefined) value *= dataScaleFactor(numeric(row[term.dataScale]) ?? NaN);
    if (!Number.isFinite(value)) continue;
    values.push(value);
    (rows[term.table] ??= []).push(index);
  }
  if (values.length === 0) return undefined;
  switch (term.reduce) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
  }
}

function termValue(
  term: DerivedTerm,
  sample: PollSample,
  rows: Record<string, string[]>,
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
  rows: Record<string, string[]>,
): number | undefined {
  let total = 0;
  for (const term of formula.sum) {
    const value = termValue(term, sample, rows);
    if (value === undefined) return undefined;
    total += value;
  }
  for (const term of formula.minus) {
    const value = termValue(term, sample, rows);
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
  for (const metric of derived) sample.scalars[metric.name] = computeDerivedMetric(metric, sample).value;
}
