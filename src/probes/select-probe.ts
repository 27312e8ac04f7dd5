import { isOidPrefix, parseOid, type Oid } from '../snmp/oid.js';
import { FALLBACK_PROBE } from './load-probes.js';
import type { Probe } from './probe-types.js';

/**
 * The probe for a device that announced `sysObjectId` (SNMPv2-MIB sysObjectID, RFC 3418): the one
 * with the longest matching prefix, compared arc by arc so that …32473.2.1 does not claim
 * …32473.2.10. A device with no, a malformed or an unknown sysObjectID gets the generic probe.
 */
export function selectProbe(
  probes: ReadonlyMap<string, Probe>,
  sysObjectId: string | undefined,
): Probe | undefined {
  const oid = parseOrUndefined(sysObjectId);
  let best: Probe | undefined;
  let bestLength = -1;
  if (oid)
    for (const probe of probes.values())
      for (const prefix of probe.sysObjectIdPrefixes) {
        const arcs = parseOid(prefix);
        if (arcs.length > bestLength && isOidPrefix(arcs, oid)) {
          best = probe;
          bestLength = arcs.length;
        }
      }
  return best ?? probes.get(FALLBACK_PROBE);
}

function parseOrUndefined(text: string | undefined): Oid | undefined {
  if (text === undefined) return undefined;
  try {
    return parseOid(text.trim());
  } catch {
    return undefined;
  }
}
