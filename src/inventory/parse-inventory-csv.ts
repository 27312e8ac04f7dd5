import { parseCsv } from './parse-csv.js';
import { ROW_TYPES } from './parse-inventory-ndjson.js';
import { emptyRows, type ParsedInventory } from './inventory-types.js';

/**
 * Reads CSV: a header row naming the columns, a `type` column (site, device or subscriber) and the
 * union of every record's columns. An empty cell means the field is absent. `deviceIds` lists ids
 * separated by ";" or "|" (a comma would need quoting in every row); `port` is read as a number.
 * Other cells stay strings, extra columns included.
 */
export function parseInventoryCsv(text: string): ParsedInventory {
  const parsed: ParsedInventory = { format: 'csv', rows: emptyRows(), errors: [] };
  const { records, errors } = parseCsv(text);
  parsed.errors.push(...errors);
  const [header, ...body] = records;
  if (!header) {
    parsed.errors.push({ location: 'line 1', reason: 'no header row' });
    return parsed;
  }
  const columns = header.fields.map((name) => name.trim());
  const headerProblems = checkHeader(columns);
  if (headerProblems.length > 0) {
    parsed.errors.push(...headerProblems.map((reason) => ({ location: `line ${header.line}`, reason })));
    return parsed;
  }
  for (const record of body) {
    const location = `line ${record.line}`;
    if (record.fields.length !== columns.length) {
      parsed.errors.push({
        location,
        reason: `has ${record.fields.length} fields, the header has ${columns.length}`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    let type = '';
    columns.forEach((column, index) => {
      const cell = record.fields[index] ?? '';
      if (column === 'type') type = cell.trim();
      else if (cell !== '') value[column] = cellValue(column, cell);
    });
    const entity = ROW_TYPES[type];
    if (!entity) {
      parsed.errors.push({
        location,
        reason: `"type" must be one of ${Object.keys(ROW_TYPES).join(', ')}, got "${type}"`,
      });
      continue;
    }
    parsed.rows[entity].push({ location, value });
  }
  return parsed;
}

function checkHeader(columns: string[]): string[] {
  const problems: string[] = [];
  if (!columns.includes('type')) problems.push('the header has no "type" column');
  const seen = new Set<string>();
  for (const column of columns) {
    if (column === '') problems.push('the header has an empty column name');
    else if (seen.has(column)) problems.push(`the header names column "${column}" twice`);
    seen.add(column);
  }
  return problems;
}

function cellValue(column: string, cell: string): unknown {
  if (column === 'deviceIds') {
    return cell
      .split(/[;|]/)
      .map((id) => id.trim())
      .filter((id) => id !== '');
  }
  // Left as a string when it is not a number, so the validator reports it like any bad port.
  if (column === 'port' && /^\s*\d+\s*$/.test(cell)) return Number(cell);
  return cell;
}
