import type { PollSample, SampleValue } from '../probes/poll-result.js';
import type { MetricSpec, Probe } from '../probes/probe-types.js';

/**
 * Of one poll's sample, what the device's next poll needs, and all its stored state keeps: the
 * counters (rates are the difference to the next sample's), sysUpTime (a reboot is uptime going back)
 * and each interface's names and admin status (a linkDown trap is judged on them before any poll,
 * announced-uplink-down.ts). Texts, gauges and the rows of tables without counters are the rest of a
 * sample's bytes, and nothing reads them from the state: leaving them out makes a stored state about
 * half as big and quicker to pack and unpack, at 100k devices and every poll.
 */
interface KeptLayout {
  scalars: string[];
  /** Table name → the columns kept of each row; tables keeping nothing are left out. */
  tables: [string, string[]][];
}

/** What a linkDown trap's wan_down needs of an interface known only from the last poll. */
const INTERFACE_IDENTITY = ['ifDescr', 'ifName', 'ifAdminStatus'];
const isCounter = (metric: MetricSpec): boolean => metric.kind === 'counter32' || metric.kind === 'counter64';

const layouts = new WeakMap<Probe, KeptLayout>();

function keptLayout(probe: Probe): KeptLayout {
  let layout = layouts.get(probe);
  if (!layout) {
    layout = {
      scalars: ['sysUpTime', ...probe.scalars.filter(isCounter).map((m) => m.name)],
      tables: probe.tables
        .map((table): [string, string[]] => [
          table.name,
          [
            ...(table.name === 'interfaces' ? INTERFACE_IDENTITY : []),
            ...table.columns.filter(isCounter).map((m) => m.name),
          ].filter((name, i, names) => names.indexOf(name) === i),
        ])
        .filter(([, columns]) => columns.length > 0),
    };
    layouts.set(probe, layout);
  }
  return layout;
}

/** The part of `sample` its device's next poll compares against (see above). */
export function previousSample(probe: Probe, sample: PollSample): PollSample {
  const layout = keptLayout(probe);
  const scalars: Record<string, SampleValue> = {};
  for (const name of layout.scalars) if (name in sample.scalars) scalars[name] = sample.scalars[name] ?? null;
  const tables: PollSample['tables'] = {};
  for (const [name, columns] of layout.tables) {
    const rows = sample.tables[name];
    if (!rows) continue;
    const kept: Record<string, Record<string, SampleValue>> = {};
    for (const index in rows) {
      const row = rows[index] as Record<string, SampleValue>;
      const keptRow: Record<string, SampleValue> = {};
      for (const column of columns) if (column in row) keptRow[column] = row[column] ?? null;
      kept[index] = keptRow;
    }
    tables[name] = kept;
  }
  return { at: sample.at, scalars, tables };
}
