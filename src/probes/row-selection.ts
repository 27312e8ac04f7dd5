import type { SampleValue } from './poll-result.js';
import type { ColumnMatch, RowCondition, RowSelection } from './probe-types.js';

type Row = Readonly<Record<string, SampleValue>>;

/** Compiled patterns, shared by every poll of every device: a RegExp per source is built once. */
const patterns = new Map<string, RegExp>();

function matches(match: ColumnMatch, value: SampleValue | undefined): boolean {
  if (value === null || value === undefined) return false;
  const text = String(value);
  if (match.equals !== undefined) return text === match.equals;
  if (!match.pattern) return false;
  const key = `${match.pattern.flags}/${match.pattern.source}`;
  let regex = patterns.get(key);
  if (!regex) patterns.set(key, (regex = new RegExp(match.pattern.source, match.pattern.flags)));
  return regex.test(text);
}

/** Whether a row holds every column match of one condition. */
export function conditionHolds(condition: RowCondition, row: Row): boolean {
  // Indexed loops, not every/some with a closure nor for…of with its iterator results: this runs for
  // every row of every poll (derived metrics).
  for (let i = 0; i < condition.length; i++) {
    const m = condition[i] as ColumnMatch;
    if (!matches(m, row[m.column])) return false;
  }
  return true;
}

/** Any of the conditions (every row when there are none). */
export function anyConditionHolds(conditions: readonly RowCondition[], row: Row): boolean {
  if (conditions.length === 0) return true;
  for (let i = 0; i < conditions.length; i++)
    if (conditionHolds(conditions[i] as RowCondition, row)) return true;
  return false;
}

/** Whether a table's row selection keeps this row. */
export function rowSelected(selection: RowSelection | undefined, row: Row): boolean {
  if (!selection) return true;
  return anyConditionHolds(selection.where, row) && !selection.except.some((c) => conditionHolds(c, row));
}

/** The columns a selection reads: they are walked with the table's rows to decide which to keep. */
export function selectionColumns(selection: RowSelection | undefined): string[] {
  if (!selection) return [];
  const names = [...selection.where, ...selection.except].flatMap((c) => c.map((m) => m.column));
  return [...new Set(names)];
}

/** `hrStorageType = 1.3.6.1.2.1.25.2.1.2 and hrStorageDescr ~ /^Physical/` */
export function describeCondition(condition: RowCondition): string {
  return condition
    .map((m) =>
      m.equals !== undefined
        ? `${m.column} = ${m.equals}`
        : `${m.column} ~ /${m.pattern?.source ?? ''}/${m.pattern?.flags ?? ''}`,
    )
    .join(' and ');
}

/** "every row", or "rows where A, or B; except C". */
export function describeSelection(selection: RowSelection | undefined): string {
  if (!selection || (selection.where.length === 0 && selection.except.length === 0)) return 'every row';
  const where =
    selection.where.length === 0
      ? 'every row'
      : `rows where ${selection.where.map(describeCondition).join(', or ')}`;
  const except = selection.except.length
    ? `${selection.where.length ? ';' : ''} except where ${selection.except.map(describeCondition).join(', or ')}`
    : '';
  return where + except;
}
