import type { AuthProfile } from '../snmp/auth-profile.js';
import { snmpGet } from '../snmp/snmp-session.js';
import type { PollSample } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';

/** Scalars detectors read by name (README "Probes"): a probe without one cannot judge that condition. */
const WELL_KNOWN_SCALARS = ['cpuLoad', 'memoryUsed', 'memorySize', 'temperature', 'signal'] as const;

/** What each SNMPv2 exception means to a person (RFC 3416 section 4.2.1). */
const EXCEPTION_TEXT: Record<string, string> = {
  noSuchObject: 'noSuchObject: the agent does not implement this object',
  noSuchInstance: 'noSuchInstance: the agent knows the object but has no such instance (yet)',
  endOfMibView: 'endOfMibView: beyond what the agent serves',
};

/** The well-known scalars this probe does not poll, so `-` is never shown for them without a word. */
export function notInProbe(probe: Probe): string[] {
  const polled = new Set([...probe.scalars, ...probe.derived].map((m) => m.name));
  return WELL_KNOWN_SCALARS.filter((name) => !polled.has(name));
}

/**
 * For each scalar the last sample has no value for, asks the device again for that one object and
 * says why: an SNMPv2 exception, SNMPv1's noSuchName, or an answer of a type the probe cannot read.
 * One GET per missing object, for `vigil probe` only (the poll path keeps its one-PDU polls).
 */
export async function missingValueReasons(
  target: { host: string; port: number; profile: AuthProfile; timeoutMs?: number; retries?: number },
  probe: Probe,
  sample: PollSample,
): Promise<Record<string, string>> {
  const reasons: Record<string, string> = {};
  for (const metric of probe.scalars) {
    if (sample.scalars[metric.name] !== null) continue;
    const answer = await snmpGet(target, [metric.oid]);
    const value = answer.varbinds[0]?.value;
    if (answer.outcome === 'ok' && typeof value === 'string')
      reasons[metric.name] = EXCEPTION_TEXT[value] ?? value;
    else if (answer.outcome === 'ok' && value !== undefined && typeof value !== 'string')
      reasons[metric.name] = `answered ${value.type}, which a ${metric.kind} metric cannot read`;
    else if (answer.outcome === 'error_status')
      reasons[metric.name] =
        `refused: ${answer.reason ?? 'error status'} (SNMPv1 says noSuchName for a missing object)`;
    else reasons[metric.name] = `no answer to a second ask (${answer.outcome})`;
    if (metric.optional) reasons[metric.name] += '; optional in this probe';
  }
  return reasons;
}
