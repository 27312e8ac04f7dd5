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

/** A probe's counters, and the rate keys of each table row, built once and shared by every poll. */
interface CounterLayout {
  scalars: MetricSpec[];
  tables: { name: string; counters: MetricSpec[]; keysByIndex: Map<string, string[]> }[];
}

/** By probe, then by the set of counters asked for (undefined: every counter). */
const layouts = new WeakMap<Probe, Map<ReadonlySet<string> | undefined, CounterLayout>>();
const isCounter = (metric: MetricSpec): boolean => metric.kind === 'counter32' || metric.kind === 'counter64';

function counterLayout(probe: Probe, only: ReadonlySet<string> | undefined): CounterLayout {
  let ofProbe = layouts.get(probe);
  if (!ofProbe) layouts.set(probe, (ofProbe = new Map<ReadonlySet<string> | undefined, CounterLayout>()));
  let layout = ofProbe.get(only);
  if (!layout) {
    const wanted = (metric: MetricSpec): boolean => isCounter(metric) && (!only || only.has(metric.name));
    layout = {
      scalars: probe.scalars.filter(wanted),
      tables: probe.tables
        .map((t) => ({ name: t.name, counters: t.columns.filter(wanted), keysByIndex: new Map() }))
        .filter((t) => t.counters.length > 0),
    };
    ofProbe.set(only, layout);
  }
  return layout;
}

/** "<table>.<index>.<metric>" for each counter of a row: made once per row index, not per poll. */
function rowKeys(table: CounterLayout['tables'][number], index: string): string[] {
  let keys = table.keysByIndex.get(index);
  if (!keys) {
    if (table.keysByIndex.size >= 100_000) table.keysByIndex.clear();
    keys = table.counters.map((metric) => `${table.name}.${index}.${metric.name}`);
    table.keysByIndex.set(index, keys);
  }
  return keys;
}

function rate(kind: MetricSpec['kind'], seconds: number, before: unknown, now: unknown): number | null {
  if (typeof before !== 'number' || typeof now !== 'number') return null;
  const delta = counterDelta(kind, before, now);
  return delta === null ? null : delta / seconds;
}

/**
 * Per-second rates of every counter between two samples of the same device (or only of the counters
 * named in `only`: a poll computes the ones detection reads, `vigil probe` shows them all). After a
 * reboot (uptime went back) counters restarted from zero: those rates are unknown (null), not negative.
 */
export function computeRates(
  probe: Probe,
  previous: PollSample | undefined,
  current: PollSample,
  only?: ReadonlySet<string>,
): Rates {
  const rates: Rates = {};
  if (!previous) return rates;
  const seconds = (current.at - previous.at) / 1000;
  const known = seconds > 0 && !uptimeWentBack(previous.scalars.sysUpTime, current.scalars.sysUpTime);
  const layout = counterLayout(probe, only);
  for (const metric of layout.scalars) {
    rates[metric.name] = known
      ? rate(metric.kind, seconds, previous.scalars[metric.name], current.scalars[metric.name])
      : null;
  }
  for (const table of layout.tables) {
    const rows = current.tables[table.name];
    if (!rows) continue;
    const previousRows = previous.tables[table.name];
    for (const index in rows) {
      const row = rows[index] as Record<string, unknown>;
      const before = previousRows?.[index];
      const keys = rowKeys(table, index);
      table.counters.forEach((metric, c) => {
        rates[keys[c] as string] = known
          ? rate(metric.kind, seconds, before?.[metric.name], row[metric.name])
          : null;
      });
    }
  }
  return rates;
}
