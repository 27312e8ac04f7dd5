import { open } from 'node:fs/promises';
import { compareOids, parseOid, type Oid } from '../snmp/oid.js';
import type { SnmprecFile, SnmprecProblem, SnmprecRecord } from './snmprec-record.js';
import { clip, decodeSnmprecValue, isValidOidText } from './snmprec-value.js';

/** Bounds on what a file may make us hold: a recording of a large router is a few MB, not hundreds. */
export const SNMPREC_LIMITS = { maxBytes: 32 * 2 ** 20, maxLines: 500_000, maxProblems: 200 } as const;

/**
 * Reads snmprec text, never trusting it: every malformed line is reported with its line number and left
 * out, the records are sorted (snmpsim needs sorted files; we sort rather than refuse), and a repeated
 * OID keeps its first value with a warning naming both lines.
 */
export function parseSnmprec(text: string, file: string): SnmprecFile {
  const problems: SnmprecProblem[] = [];
  const report = (line: number, message: string, severity: SnmprecProblem['severity'] = 'error'): void => {
    if (problems.length < SNMPREC_LIMITS.maxProblems) problems.push({ file, line, severity, message });
    else if (problems.length === SNMPREC_LIMITS.maxProblems)
      problems.push({ file, line, severity: 'error', message: 'too many problems; the rest are not listed' });
  };
  const lines = text.split(/\r?\n/);
  if (lines.length > SNMPREC_LIMITS.maxLines) {
    report(SNMPREC_LIMITS.maxLines + 1, `more than ${SNMPREC_LIMITS.maxLines} lines`);
    return { records: [], comments: [], problems };
  }
  const comments: string[] = [];
  const parsed: { oid: Oid; record: SnmprecRecord; line: number }[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    if (trimmed.startsWith('#')) {
      comments.push(trimmed.slice(1).trim());
      return;
    }
    const record = parseLine(trimmed);
    if ('error' in record) report(line, record.error);
    else parsed.push({ oid: parseOid(record.oid), record, line });
  });
  parsed.sort((a, b) => compareOids(a.oid, b.oid) || a.line - b.line);
  const records: SnmprecRecord[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const current = parsed[i] as (typeof parsed)[number];
    const previous = parsed[i - 1];
    if (previous && compareOids(previous.oid, current.oid) === 0) {
      report(
        current.line,
        `duplicate OID ${current.record.oid} (first at line ${previous.line}, kept)`,
        'warning',
      );
      parsed[i] = previous;
      continue;
    }
    records.push(current.record);
  }
  problems.sort((a, b) => a.line - b.line);
  return { records, comments, problems };
}

function parseLine(text: string): SnmprecRecord | { error: string } {
  const first = text.indexOf('|');
  const second = first < 0 ? -1 : text.indexOf('|', first + 1);
  if (second < 0) return { error: `expected OID|TAG|VALUE, found "${clip(text)}"` };
  const rawOid = text.slice(0, first);
  const oid = rawOid.startsWith('.') ? rawOid.slice(1) : rawOid;
  if (!isValidOidText(oid)) return { error: `"${clip(rawOid)}" is not a numeric OID` };
  // The value is the rest of the line: snmpsim splits at the first two bars only.
  const value = decodeSnmprecValue(text.slice(first + 1, second), text.slice(second + 1));
  return 'error' in value ? { error: `${oid}: ${value.error}` } : { oid, value };
}

/** Reads a file within SNMPREC_LIMITS: a larger one is one error, not an out-of-memory. */
export async function readSnmprecFile(path: string): Promise<SnmprecFile> {
  const tooBig = (): SnmprecFile => ({
    records: [],
    comments: [],
    problems: [
      { file: path, line: 0, severity: 'error', message: `larger than ${SNMPREC_LIMITS.maxBytes} bytes` },
    ],
  });
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    return {
      records: [],
      comments: [],
      problems: [{ file: path, line: 0, severity: 'error', message: code }],
    };
  }
  try {
    const { size } = await handle.stat();
    if (size > SNMPREC_LIMITS.maxBytes) return tooBig();
    // Read at most one byte past the bound: a file that grew since stat is still refused.
    const buffer = Buffer.alloc(Math.min(size, SNMPREC_LIMITS.maxBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > SNMPREC_LIMITS.maxBytes) return tooBig();
    return parseSnmprec(buffer.subarray(0, bytesRead).toString('utf8'), path);
  } finally {
    await handle.close();
  }
}
