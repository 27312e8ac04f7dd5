import type { PollSample, Rates } from '../probes/poll-result.js';
import type { MetricSpec, Probe } from '../probes/probe-types.js';

/** sysUpTime's range in seconds: 2^32 hundredths (RFC 2578), about 497.1 days. */
export const TIMETICKS_RANGE_SECONDS = 2 ** 32 / 100;

/**
 * Whether sysUpTime went back between two samples because the device restarted — not because the
 * 32-bit TimeTicks wrapped, which looks like a drop from near the top of the range to near zero.
 */
export function uptimeWentBack(previousSeconds: unknown, currentSeconds: unknown): boolean {
  if (typeof previousSeconds !== 'number' || typeof currentSeconds !== 'number') return false;
  if (currentSeconds >= previousSeconds) return false;
  const wrapped =
    previousSeconds > 0.9 * TIMETICKS_RANGE_SECONDS && currentSeconds < 0.1 * TIMETICKS_RANGE_SECONDS;
  return !wrapped;
}

function counterDelta(kind: MetricSpec['kind'], previous: number, current: number): number | null {
  if (current >= previous) return current - previous;
  // A wrap (RFC 2578 section 7.1.6): accepted only when it implies less than half the range, so a
  // counter that was reset (an agent restart) is not read as an enormous burst.
  const range = kind === 'counter32' ? 2 ** 32 : 2 ** 64;
  const wrapped = current + range - previous;
  return wrapped < range / 2 ? wrapped : null;
}

/**
 * Per-second rates of every counter between two samples of the same device. After a reboot
 * (uptime went back) counters restarted from zero: those rates are unknown (null), not negative.
 */
export function computeRates(probe: Probe, previous: PollSample | undefined, current: PollSample): Rates {
  const rates: Rates = {};
  if (!previous) return rates;
  const seconds = (current.at - previous.at) / 1000;
  const rebooted = uptimeWentBack(previous.scalars.sysUpTime, current.scalars.sysUpTime);
  const rate = (kind: MetricSpec['kind'], before: unknown, now: unknown): number | null => {
    if (rebooted || seconds <= 0 || typeof before !== 'number' || typeof now !== 'number') return null;
    const delta = counterDelta(kind, before, now);
    return delta === null ? null : delta / seconds;
  };
  for (const metric of probe.scalars) {
    if (metric.kind === 'counter32' || metric.kind === 'counter64') {
      rates[metric.name] = rate(metric.kind, previous.scalars[metric.name], current.scalars[metric.name]);
    }
  }
  for (const table of probe.tables) {
    const counters = table.columns.filter((c) => c.kind === 'counter32' || c.kind === 'counter64');
    if (counters.length === 0) continue;
    for (const [index, row] of Object.entries(current.tables[table.name] ?? {})) {
      const before = previous.tables[table.name]?.[index];
      for (const metric of counters) {
        rates[`${table.name}.${index}.${metric.name}`] = rate(
          metric.kind,
          before?.[metric.name],
          row[metric.name],
        );
      }
    }
  }
  return rates;
}
