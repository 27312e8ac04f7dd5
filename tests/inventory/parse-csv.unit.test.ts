import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/inventory/parse-csv.js';

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields holding commas, doubled quotes and line breaks, and numbers records by their first line', () => {
    const { records, errors } = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\nlast,,\r\n');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 4, fields: ['last', '', ''] },
    ]);
  });

  it('skips a BOM and blank lines, and reads a last record without a line break', () => {
    const { records } = parseCsv('\uFEFFa,b\n\n1,2');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
  });

  it('reports an unterminated quote at the line where it opened', () => {
    const { errors } = parseCsv('a,b\n1,"open\n2,3\n');
    expect(errors).toEqual([
      { location: 'line 2', reason: expect.stringContaining('unterminated') as string },
    ]);
  });

  it('reports text after a closing quote and drops that record', () => {
    const { records, errors } = parseCsv('a,b\n"x"y,2\n3,4\n');
    expect(errors.map((e) => e.location)).toEqual(['line 2']);
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['3', '4'],
    ]);
  });
});
