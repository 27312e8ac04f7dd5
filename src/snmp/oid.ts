/** Numeric OIDs as number arrays, compared in lexicographic order as SNMP GetNext requires (RFC 3416). */
export type Oid = readonly number[];

export function parseOid(text: string): Oid {
  const trimmed = text.startsWith('.') ? text.slice(1) : text;
  if (!/^\d+(\.\d+)+$/.test(trimmed)) throw new Error(`not a numeric OID: "${text}"`);
  return trimmed.split('.').map(Number);
}

export function formatOid(oid: Oid): string {
  return oid.join('.');
}

export function compareOids(a: Oid, b: Oid): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] as number) - (b[i] as number);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

export function isOidPrefix(prefix: Oid, oid: Oid): boolean {
  if (prefix.length > oid.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== oid[i]) return false;
  return true;
}
