import type { Metric } from 'prom-client';
import { FLEET_SERIES, POLL_DURATION_BUCKETS, type FleetSeries } from '../platform/fleet-counters.js';
import { parseSeriesField } from './parse-series-field.js';

interface StoredValue {
  metricName: string;
  labels: Record<string, string>;
  value: number;
}

/** What follows a series' name in the hash: nothing for a counter, a histogram's parts for a histogram. */
const PARTS = { counter: [''], histogram: ['_bucket', '_sum', '_count'] } as const;

/** The series of one fleet counter (or histogram) in the counters' hash: `name`, `name{…}`, `name_bucket{…}`… */
function seriesOf(
  name: string,
  type: 'counter' | 'histogram',
  counters: Record<string, string>,
): StoredValue[] {
  const parts: readonly string[] = PARTS[type];
  return Object.entries(counters)
    .flatMap(([field, raw]) => {
      const parsed = parseSeriesField(field);
      const value = Number(raw);
      return parsed &&
        parts.includes(parsed.metricName.slice(name.length)) &&
        parsed.metricName.startsWith(name) &&
        Number.isFinite(value)
        ? [{ ...parsed, value }]
        : [];
    })
    .sort((a, b) => a.metricName.localeCompare(b.metricName) || compareLabels(a.labels, b.labels));
}

function compareLabels(a: Record<string, string>, b: Record<string, string>): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

/**
 * A histogram with every bucket, as Prometheus expects it (histogram_quantile needs each `le`): pollers
 * write only the buckets an observation fell in (observeInto), so the missing ones are 0.
 */
function completeHistogram(name: string, stored: StoredValue[]): StoredValue[] {
  const value = (metricName: string, labels: Record<string, string> = {}) =>
    stored.find((s) => s.metricName === metricName && JSON.stringify(s.labels) === JSON.stringify(labels))
      ?.value ?? 0;
  const les = [...POLL_DURATION_BUCKETS.map(String), '+Inf'];
  return [
    ...les.map((le) => ({
      metricName: `${name}_bucket`,
      labels: { le },
      value: value(`${name}_bucket`, { le }),
    })),
    { metricName: `${name}_sum`, labels: {}, value: value(`${name}_sum`) },
    { metricName: `${name}_count`, labels: {}, value: value(`${name}_count`) },
  ];
}

/**
 * A fleet-wide series as prom-client's registry collects it. The series' labels are whatever the
 * process that counted wrote into Redis (an outcome, a queue, a reason), so prom-client's own Counter
 * and Histogram, which fix their label names and count in this process, cannot hold them; the registry
 * needs only a name, help, type and `get()`, which this gives from the hash read at the scrape.
 */
export function storedSeriesMetric(name: FleetSeries, counters: Record<string, string>): Metric {
  const meta = FLEET_SERIES[name];
  const stored = seriesOf(name, meta.type, counters);
  let values = meta.type === 'histogram' ? completeHistogram(name, stored) : stored;
  // A counter nobody has counted yet is 0, not absent: rate() and alerts see it from the first scrape.
  if (values.length === 0) values = [{ metricName: name, labels: {}, value: 0 }];
  const metric = {
    name,
    help: meta.help,
    type: meta.type,
    aggregator: 'sum',
    get: () => Promise.resolve({ name, help: meta.help, type: meta.type, aggregator: 'sum', values }),
  };
  return metric as unknown as Metric;
}
