/**
 * Checks a numeric OID as written in a probe and returns it without a leading dot, or why not.
 * Probes carry numeric OIDs only (MIB names go in comments): Vigil loads no MIB files, so a
 * symbolic name could never be resolved, and numbers are what the agent compares (RFC 2578).
 */
export function checkProbeOid(value: unknown): { oid: string } | { error: string } {
  if (typeof value !== 'string')
    return { error: `expected a numeric OID like 1.3.6.1.2.1.1.3.0, found ${JSON.stringify(value ?? null)}` };
  const text = value.trim().replace(/^\./, '');
  if (!/^\d+(\.\d+)+$/.test(text))
    return {
      error: `"${value}" is not a numeric OID (dotted numbers like 1.3.6.1.2.1.1.3.0; MIB names go in comments)`,
    };
  const arcs = text.split('.').map(Number);
  // X.690 8.19: the first arc is 0, 1 or 2; every sub-identifier fits the 32 bits agents use (RFC 2578 3.5).
  if ((arcs[0] as number) > 2)
    return { error: `"${value}" starts with ${arcs[0]}: the first arc is 0, 1 or 2` };
  if (arcs.some((arc) => arc > 0xffff_ffff)) return { error: `"${value}" has a sub-identifier above 2^32-1` };
  return { oid: arcs.join('.') };
}
