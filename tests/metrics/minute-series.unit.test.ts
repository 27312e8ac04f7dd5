import { describe, expect, it } from 'vitest';
import { minutePoint } from '../../src/metrics/minute-series.js';

const MINUTE = 29_000_000;

describe('one minute of the overview’s series', () => {
  it('counts the next sample less this one, by label, over the seconds between them', () => {
    const point = minutePoint(
      MINUTE,
      { at: '1000', 'vigil_polls_total{outcome="ok"}': '10', 'vigil_polls_total{outcome="timeout"}': '1' },
      {
        at: '58000',
        'vigil_polls_total{outcome="ok"}': '70',
        'vigil_polls_total{outcome="timeout"}': '4',
        'vigil_polls_total{outcome="partial"}': '2',
        'gauge:findings_open': '9',
      },
    );
    expect(point).toMatchObject({ at: new Date(MINUTE * 60_000).toISOString(), seconds: 57, polls: 65 });
    expect(point.pollFailures).toBe(3);
    // The open findings are this minute's own sample's, which has none recorded.
    expect(point.findingsOpen).toBeNull();
  });

  it('reads a counters reset as no count below zero, and a minute without both samples as no count at all', () => {
    const reset = minutePoint(
      MINUTE,
      { at: '0', 'vigil_actions_total{kind="remote_reboot",result="failed"}': '5' },
      {
        at: '60000',
        'vigil_actions_total{kind="remote_reboot",result="failed"}': '1',
      },
    );
    expect(reset.actionsFailed).toBe(0);
    const unsampled = minutePoint(MINUTE, {}, { at: '60000', 'vigil_polls_total{outcome="ok"}': '3' });
    expect(unsampled).toMatchObject({ polls: null, seconds: null, actionsFailed: null, findingsOpen: null });
    const last = minutePoint(MINUTE, { at: '0', 'gauge:findings_open': '2' }, undefined);
    expect(last).toMatchObject({ polls: null, findingsOpen: 2 });
  });
});
