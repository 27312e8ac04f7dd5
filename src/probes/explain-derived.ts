import type { DerivedOutcome } from './derived-metric.js';
import type { DerivedFormula, DerivedMetric, DerivedTerm, Probe } from './probe-types.js';
import { describeCondition, describeSelection } from './row-selection.js';

function describeTerm(term: DerivedTerm): string {
  const orElse =
    term.kind !== 'constant' && term.ifMissing !== undefined ? ` (${term.ifMissing} if none)` : '';
  switch (term.kind) {
    case 'constant':
      return String(term.value);
    case 'scalar':
      return `${term.name}${orElse}`;
    case 'table': {
      const factors = [
        term.times !== undefined ? ` × ${term.times}` : '',
        term.precision !== undefined ? ` ÷ 10^${term.precision}` : '',
        term.dataScale !== undefined ? ` × 1000^(${term.dataScale} − 9)` : '',
      ].join('');
      const where = term.where.length ? ` where ${term.where.map(describeCondition).join(', or ')}` : '';
      return `${term.reduce}(${term.table}.${term.column}${factors}${where})${orElse}`;
    }
  }
}

/** `sum(storage.hrStorageUsed × hrStorageAllocationUnits where …) − … , × 1024` */
export function describeFormula(formula: DerivedFormula): string {
  const sum = formula.sum.map(describeTerm).join(' + ');
  const minus = formula.minus.map((t) => ` − ${describeTerm(t)}`).join('');
  const scale = formula.scale !== 1 ? `, × ${formula.scale}` : '';
  return `${sum}${minus}${scale}`;
}

/** How `vigil check --explain` shows a derived metric: its formulas in the order they are tried. */
export function describeDerived(metric: DerivedMetric): string[] {
  const unit = metric.unit ? ` (${metric.unit})` : '';
  if (metric.alternatives.length === 1)
    return [`${metric.name}${unit} = ${describeFormula(metric.alternatives[0] as DerivedFormula)}`];
  return [
    `${metric.name}${unit} = the first of these the agent's answers can compute:`,
    ...metric.alternatives.map((f, i) => `  ${i + 1}. ${describeFormula(f)}`),
  ];
}

/** Which of its formulas gave a derived value and from which rows, for `vigil probe`. */
export function derivedSourceText(metric: DerivedMetric, outcome: DerivedOutcome): string {
  const count = metric.alternatives.length;
  if (outcome.alternative === undefined)
    return count === 1
      ? 'not computable: a term had no value'
      : `none of its ${count} formulas had every term`;
  const rows = Object.entries(outcome.rows).map(
    ([table, indices]) => `${table} rows ${[...new Set(indices)].join(', ')}`,
  );
  const which = count > 1 ? `formula ${outcome.alternative + 1} of ${count}` : 'computed';
  return rows.length ? `${which}: ${rows.join('; ')}` : which;
}

/** What a probe polls from each table and computes after each poll, as `vigil check --explain` prints it. */
export function explainProbe(probe: Probe): string[] {
  const lines = [`${probe.name} (${probe.source.file}): ${probe.description}`];
  lines.push(`  scalars: ${probe.scalars.map((s) => s.name).join(', ')}`);
  for (const table of probe.tables) {
    const columns = table.columns.map((c) => c.name).join(', ');
    lines.push(`  table ${table.name} (at most ${table.maxRows} rows): ${describeSelection(table.rows)}`);
    lines.push(`    columns: ${columns}`);
  }
  for (const metric of probe.derived) {
    const [first, ...rest] = describeDerived(metric);
    lines.push(`  derived ${first ?? metric.name}`, ...rest.map((line) => `    ${line}`));
  }
  return lines;
}
