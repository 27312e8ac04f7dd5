import { createGetRequestTemplate } from '../snmp/get-request-template.js';
import type { GetOptions, GetOutcome, GetTarget, UdpGetTransport } from '../snmp/udp-get-transport.js';
import type { AuthProfile } from '../snmp/auth-profile.js';

/** RFC 1157 section 4.1.2: error-status noSuchName(2), error-index the 1-based varbind at fault. */
const NO_SUCH_NAME = 2;
/** A GET is asked again at most this many times, one object fewer each time. */
const MAX_REASKS = 8;

/**
 * An SNMPv1 agent answers a GET that names one object it lacks with noSuchName for the whole PDU and
 * no values, where v2c would answer noSuchObject for that varbind alone. So a v1 device lacking one
 * optional object (UCD-SNMP-MIB on a non-Net-SNMP agent) would lose every value of the request: the
 * object named by error-index is marked missing and the rest asked again, a bounded number of times.
 */
export async function getSkippingNoSuchName(
  transport: UdpGetTransport,
  target: GetTarget & { profile: AuthProfile },
  oids: readonly string[],
  first: GetOutcome,
  options: GetOptions,
): Promise<GetOutcome> {
  const missing = new Set<number>();
  let outcome = first;
  let pdus = first.pdus;
  let retries = first.retries;
  for (let reask = 0; reask < MAX_REASKS; reask++) {
    const asked = oids.map((_, i) => i).filter((i) => !missing.has(i));
    const culprit = asked[(outcome.errorIndex ?? 0) - 1];
    if (outcome.outcome !== 'error_status' || outcome.errorStatus !== NO_SUCH_NAME || culprit === undefined)
      break;
    missing.add(culprit);
    const remaining = oids.filter((_, i) => !missing.has(i));
    if (remaining.length === 0) {
      outcome = { ...outcome, outcome: 'ok', values: [] };
      break;
    }
    const community = target.profile.community?.reveal() ?? '';
    const template = createGetRequestTemplate('1', community, remaining);
    outcome = await transport.get(target, template, options);
    pdus += outcome.pdus;
    retries += outcome.retries;
  }
  if (outcome.outcome !== 'ok') return { ...outcome, pdus, retries };
  // The answer's values in the order of the asked OIDs, the missing ones put back in their places.
  const values = [...outcome.values];
  const merged = oids.map((_, i): GetOutcome['values'][number] =>
    missing.has(i) ? 'noSuchObject' : (values.shift() ?? 'noSuchObject'),
  );
  return { ...outcome, values: merged, pdus, retries };
}
