import type { Probe } from '../../probes/probe-types.js';

/** A probe made of the --oids list: one GET of those objects per device, read as text. */
export function oidsProbe(
  base: Probe,
  oids: string[],
  options: { timeoutMs: number; retries: number },
): Probe {
  return {
    ...base,
    name: 'bench-oids',
    scalars: oids.map((oid, i) => ({ name: `oid${i}`, oid, kind: 'string' as const, optional: true })),
    tables: [],
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  };
}
