import type { RowError } from './inventory-types.js';

export interface CsvRecord {
  /** 1-based line on which the record starts (a quoted field may span lines). */
  line: number;
  fields: string[];
}

export interface CsvParseResult {
  records: CsvRecord[];
  errors: RowError[];
}

/**
 * A small RFC 4180 reader: comma-separated fields, CRLF or LF line breaks, fields in double quotes may
 * hold commas, line breaks and doubled quotes (""). A leading UTF-8 BOM is skipped (spreadsheets write
 * one). Blank lines are skipped rather than read as a record of one empty field, which is what every
 * spreadsheet means by them. Pure: text in, records and errors out.
 */
export function parseCsv(text: string): CsvParseResult {
  const records: CsvRecord[] = [];
  const errors: RowError[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let fields: string[] = [];
  let field = '';
  let recordLine = 1;
  let badRecord = false;

  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  const endRecord = (): void => {
    endField();
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank && !badRecord) records.push({ line: recordLine, fields });
    fields = [];
    badRecord = false;
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '' && !badRecord) {
      const quoted = readQuotedField(text, i + 1, line);
      if (!quoted.closed) {
        errors.push({ location: `line ${line}`, reason: 'unterminated quoted field (a " is never closed)' });
        return { records, errors };
      }
      ({ value: field, next: i, line } = quoted);
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        errors.push({
          location: `line ${line}`,
          reason: 'unexpected character after a closing quote (RFC 4180 wants , or a line break)',
        });
        badRecord = true;
      }
      continue;
    }
    if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { records, errors };
}

interface QuotedField {
  value: string;
  /** Index just past the closing quote (or the end of the text when it never closes). */
  next: number;
  /** The line the field ends on: a quoted field may hold line breaks. */
  line: number;
  closed: boolean;
}

/** The inside of a quoted field starting at `start` (just past its opening quote); "" reads as one ". */
function readQuotedField(text: string, start: number, line: number): QuotedField {
  let value = '';
  let i = start;
  while (i < text.length) {
    const q = text[i];
    if (q === '"') {
      if (text[i + 1] !== '"') return { value, next: i + 1, line, closed: true };
      value += '"';
      i += 2;
      continue;
    }
    if (q === '\n') line++;
    value += q;
    i++;
  }
  return { value, next: i, line, closed: false };
}
