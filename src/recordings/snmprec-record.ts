import type { SnmpValue } from '../snmp/snmp-value.js';

/** One varbind of a recording. */
export interface SnmprecRecord {
  /** Numeric, without a leading dot. */
  oid: string;
  value: SnmpValue;
}

/**
 * A problem in an snmprec file at its line. An `error` spoils the file (a reader that served it would
 * serve something else than was recorded); a `warning` was repaired (a duplicate OID: the first kept).
 */
export interface SnmprecProblem {
  file: string;
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface SnmprecFile {
  /** Sorted by OID (RFC 3416 order), one per OID. */
  records: SnmprecRecord[];
  /** The `#` lines, without the `#`, as a person wrote them (the recorder's header). */
  comments: string[];
  problems: SnmprecProblem[];
}

export function formatSnmprecProblem(problem: SnmprecProblem): string {
  return `${problem.file}:${problem.line}: ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`;
}
