import type { Condition, DetectorContext, Judgement, SubjectRef } from './detector.js';
import { formatCount } from './format-evidence.js';
import { interfaceLabel, interfaceTable, interfacesUpstreamFirst, operState } from './interface-status.js';

const KINDS = ['error_rate'] as const;

/** The counter whose rate this detector reads (the only rate any detector reads: see RATES_READ). */
export const ERROR_RATE_COUNTER = 'ifInErrors';

/** Ten times the threshold is no longer a dirty connector but a line about to fail. */
const MAJOR_FACTOR = 10;

/**
 * error_rate: ifInErrors (IF-MIB, RFC 2863: inbound packets with errors — CRC, framing) per hour above
 * the probe's errorRatePerHour on an upstream interface or any interface that is up; minor, major at
 * ten times the threshold. The rate comes from the caller's counter arithmetic; a null rate (first
 * sample, counter reset by a reboot) or a missing one makes that interface unknown, never clear.
 * Upstream interfaces come first, because that is where a subscriber's service lives.
 */
export function detectErrorRate(ctx: DetectorContext): Judgement {
  const table = interfaceTable(ctx.sample);
  if (!table) return { kinds: KINDS, present: [], unknown: 'all' };

  const threshold = ctx.probe.thresholds.errorRatePerHour;
  const present: Condition[] = [];
  const unknownSubjects = new Set<string>();
  for (const { ifIndex, row, upstream } of interfacesUpstreamFirst(ctx.probe, table)) {
    if (!upstream && operState(row) !== 'up') continue;
    const rate = ctx.rates[`interfaces.${ifIndex}.${ERROR_RATE_COUNTER}`];
    if (rate === undefined || rate === null || !Number.isFinite(rate)) {
      unknownSubjects.add(ifIndex);
      continue;
    }
    const perHour = Math.round(rate * 3600);
    if (perHour <= threshold) continue;
    const name = interfaceLabel(ifIndex, row);
    present.push({
      kind: 'error_rate',
      subject: ifIndex,
      severity: perHour >= threshold * MAJOR_FACTOR ? 'major' : 'minor',
      evidence: {
        summary: `${formatCount(perHour)} input errors in the last hour on ${name}`,
        values: { errorsPerHour: perHour, thresholdPerHour: threshold, ifIndex, interface: name },
      },
      // Error counts jitter poll to poll; half again or half as many is news.
      significant: { value: 'errorsPerHour', relative: 0.5 },
    });
  }
  const unknown = (ref: SubjectRef): boolean => ref.subject !== undefined && unknownSubjects.has(ref.subject);
  return { kinds: KINDS, present, unknown };
}
