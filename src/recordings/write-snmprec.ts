import { compareOids, parseOid } from '../snmp/oid.js';
import type { SnmprecRecord } from './snmprec-record.js';
import { encodeSnmprecValue } from './snmprec-value.js';

/**
 * Records → snmprec text: the comment lines first (`# …`, one line each), then one `OID|TAG|VALUE` per
 * record in OID order. A record whose value no reader would take back (an Integer32 out of range that
 * an agent sent anyway) is left out and returned, so the caller can say so.
 */
export function formatSnmprec(
  records: readonly SnmprecRecord[],
  comments: readonly string[] = [],
): { text: string; left: { oid: string; reason: string }[] } {
  const left: { oid: string; reason: string }[] = [];
  const lines = comments.map((comment) => `# ${oneLine(comment)}`);
  const sorted = [...records].sort((a, b) => compareOids(parseOid(a.oid), parseOid(b.oid)));
  for (const record of sorted) {
    const encoded = encodeSnmprecValue(record.value);
    if ('error' in encoded) left.push({ oid: record.oid, reason: encoded.error });
    else lines.push(`${record.oid}|${encoded.tag}|${encoded.text}`);
  }
  return { text: `${lines.join('\n')}\n`, left };
}

/** A comment holds device text (sysDescr): kept on its line, printable. */
function oneLine(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, ' ').trim();
}
