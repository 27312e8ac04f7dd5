/** One series of the fleet counters' hash, split back into what Prometheus prints. */
export interface SeriesField {
  metricName: string;
  labels: Record<string, string>;
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Reverses the escapes seriesField (platform/fleet-counters.ts) wrote: backslash, quote, newline. */
function unescapeLabelValue(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/**
 * A field of the counters' hash (`vigil_polls_total{outcome="ok"}`, `vigil_poll_duration_seconds_sum`)
 * as a name and labels, so prom-client prints (and escapes) it like any other series. Pure; a field
 * that is not `name` or `name{…}` is undefined, so one bad field cannot spoil a scrape.
 */
export function parseSeriesField(field: string): SeriesField | undefined {
  const brace = field.indexOf('{');
  const metricName = brace < 0 ? field : field.slice(0, brace);
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metricName)) return undefined;
  if (brace < 0) return { metricName, labels: {} };
  if (!field.endsWith('}')) return undefined;
  const body = field.slice(brace + 1, -1);
  const labels: Record<string, string> = {};
  let consumed = 0;
  for (const match of body.matchAll(LABEL)) {
    const [text, name = '', value = ''] = match;
    const gap = body.slice(consumed, match.index);
    if (gap !== (consumed === 0 ? '' : ',')) return undefined;
    labels[name] = unescapeLabelValue(value);
    consumed = match.index + text.length;
  }
  return consumed === body.length ? { metricName, labels } : undefined;
}
