import { describe, expect, it } from 'vitest';
import { detectStaleUptime } from '../../src/detection/detect-stale-uptime.js';
import { context, failedPoll, isUnknown, presentOf, sample, state } from './factories.js';

const DAY_S = 86_400;

describe('detectStaleUptime (threshold 30 days)', () => {
  it.each([
    { uptimeDays: 5, expected: [] },
    { uptimeDays: 30, expected: [] },
    { uptimeDays: 30.5, expected: [['stale_uptime', undefined, 'minor', 'up 30 days']] },
    { uptimeDays: 41.9, expected: [['stale_uptime', undefined, 'minor', 'up 41 days']] },
    { uptimeDays: 600, expected: [['stale_uptime', undefined, 'minor', 'up 600 days']] },
  ])('up $uptimeDays days → $expected', ({ uptimeDays, expected }) => {
    const uptimeSeconds = uptimeDays * DAY_S;
    const j = detectStaleUptime(
      context({ sample: sample({ uptime: uptimeSeconds }), state: state({ uptimeSeconds }) }),
    );
    expect(presentOf(j)).toEqual(expected);
    expect(j.unknown).toBe('none');
    expect(j.clearAfterPolls).toBe(1);
  });

  it('carries days and seconds in values', () => {
    const uptimeSeconds = 41 * DAY_S + 7;
    const j = detectStaleUptime(
      context({ sample: sample({ uptime: uptimeSeconds }), state: state({ uptimeSeconds }) }),
    );
    expect(j.present[0]?.evidence.values).toEqual({ days: 41, uptimeSeconds, thresholdSeconds: 30 * DAY_S });
  });

  it.each([
    {
      name: 'the device did not answer',
      ctx: context({ poll: failedPoll(), state: state({ uptimeSeconds: 50 * DAY_S }) }),
    },
    {
      name: 'sysUpTime did not come back',
      ctx: context({ sample: sample({ uptime: null }), state: state({ uptimeSeconds: 50 * DAY_S }) }),
    },
  ])('knows nothing when $name', ({ ctx }) => {
    const j = detectStaleUptime(ctx);
    expect(j.present).toEqual([]);
    expect(isUnknown(j, 'stale_uptime')).toBe(true);
  });
});
