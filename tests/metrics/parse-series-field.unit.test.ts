import { describe, expect, it } from 'vitest';
import { seriesField } from '../../src/platform/fleet-counters.js';
import { parseSeriesField } from '../../src/metrics/parse-series-field.js';

describe('parseSeriesField', () => {
  it('reads back what seriesField wrote, escapes included', () => {
    const labels = { outcome: 'ok', reason: 'a "quoted"\\ reason\nsecond line' };
    expect(parseSeriesField(seriesField('vigil_polls_total', labels))).toEqual({
      metricName: 'vigil_polls_total',
      labels,
    });
  });

  it('reads a bare name and a histogram part', () => {
    expect(parseSeriesField('vigil_poll_duration_seconds_sum')).toEqual({
      metricName: 'vigil_poll_duration_seconds_sum',
      labels: {},
    });
    expect(parseSeriesField('vigil_poll_duration_seconds_bucket{le="+Inf"}')).toEqual({
      metricName: 'vigil_poll_duration_seconds_bucket',
      labels: { le: '+Inf' },
    });
  });

  it('refuses a field that is not a series, so one bad field cannot spoil a scrape', () => {
    expect(parseSeriesField('vigil polls')).toBeUndefined();
    expect(parseSeriesField('vigil_polls_total{outcome="ok"')).toBeUndefined();
    expect(parseSeriesField('vigil_polls_total{outcome=ok}')).toBeUndefined();
    expect(parseSeriesField('vigil_polls_total{a="1"b="2"}')).toBeUndefined();
  });
});
