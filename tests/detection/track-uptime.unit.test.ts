import { describe, expect, it } from 'vitest';
import type { DetectionState } from '../../src/detection/detection-state.js';
import { UPTIME_WRAP_SECONDS, bootToleranceMs, trackUptime } from '../../src/detection/track-uptime.js';
import { DAY, HOUR, MINUTE, T0, probe, sample, state } from './factories.js';

const WRAP_MS = UPTIME_WRAP_SECONDS * 1000;
const BOOT = T0 - 10 * DAY;

/** A state that saw the device booted at `bootAt` with `wraps` wraps, one poll ago. */
function seen(bootAt: number, wraps = 0, extra: Partial<DetectionState> = {}): DetectionState {
  return state({ bootAt, uptimeWraps: wraps, uptimeSeconds: (T0 - MINUTE - bootAt) / 1000, ...extra });
}

describe('trackUptime', () => {
  const cases: Array<{
    name: string;
    before: DetectionState;
    at: number;
    uptime: number;
    wraps: number;
    bootAt: number;
    reboots: number[];
  }> = [
    { name: 'first sample', before: state(), at: T0, uptime: 3600, wraps: 0, bootAt: T0 - HOUR, reboots: [] },
    {
      name: 'steady, answer 2 s late',
      before: seen(BOOT),
      at: T0 + 2_000,
      uptime: (T0 - BOOT) / 1000,
      wraps: 0,
      bootAt: BOOT + 2_000,
      reboots: [],
    },
    {
      name: 'uptime reset: a reboot',
      before: seen(BOOT),
      at: T0,
      uptime: 40,
      wraps: 0,
      bootAt: T0 - 40_000,
      reboots: [T0 - 40_000],
    },
    {
      name: 'uptime grew less than the time passed: rebooted while unreachable',
      before: seen(T0 - 2 * MINUTE),
      at: T0 + HOUR,
      uptime: 600,
      wraps: 0,
      bootAt: T0 + HOUR - 600_000,
      reboots: [T0 + HOUR - 600_000],
    },
    {
      name: 'TimeTicks wrapped (RFC 2578): a drop from near 2^32 ticks',
      before: seen(T0 - WRAP_MS - 28_000),
      at: T0,
      uptime: 30,
      wraps: 1,
      bootAt: T0 - WRAP_MS - 30_000,
      reboots: [],
    },
    {
      name: 'wrapped during a three-hour silence',
      before: seen(T0 - WRAP_MS - HOUR),
      at: T0 + 2 * HOUR,
      uptime: 3 * 3600,
      wraps: 1,
      bootAt: T0 - WRAP_MS - HOUR,
      reboots: [],
    },
    {
      name: 'a wrapped device rebooted: the wraps start again',
      before: seen(T0 - 1.5 * WRAP_MS, 1),
      at: T0,
      uptime: 20,
      wraps: 0,
      bootAt: T0 - 20_000,
      reboots: [T0 - 20_000],
    },
    {
      name: 'a reboot that an action announced',
      before: seen(BOOT, 0, { expectedRebootUntil: T0 + 5 * MINUTE }),
      at: T0,
      uptime: 20,
      wraps: 0,
      bootAt: T0 - 20_000,
      reboots: [],
    },
    {
      name: 'a reboot after the announced window',
      before: seen(BOOT, 0, { expectedRebootUntil: T0 - 5 * MINUTE }),
      at: T0,
      uptime: 20,
      wraps: 0,
      bootAt: T0 - 20_000,
      reboots: [T0 - 20_000],
    },
  ];

  it.each(cases)('$name', ({ before, at, uptime, wraps, bootAt, reboots }) => {
    const after = trackUptime(before, sample({ at, uptime }), probe());
    expect(after.uptimeWraps).toBe(wraps);
    expect(after.bootAt).toBeCloseTo(bootAt, 3);
    expect(after.reboots).toEqual(reboots);
    expect(after.uptimeSeconds).toBeCloseTo(uptime + wraps * UPTIME_WRAP_SECONDS, 3);
  });

  it('ignores a sample without sysUpTime', () => {
    const before = seen(BOOT);
    expect(trackUptime(before, sample({ uptime: null }), probe())).toBe(before);
  });

  it.each([
    { timeoutMs: 2_000, retries: 1, toleranceMs: 6_000 },
    { timeoutMs: 5_000, retries: 2, toleranceMs: 17_000 },
    { timeoutMs: 500, retries: 0, toleranceMs: 3_000 },
  ])(
    'tolerates the request budget plus 2 s, at least 3 s: $timeoutMs ms × ($retries + 1) → $toleranceMs ms',
    ({ timeoutMs, retries, toleranceMs }) => {
      expect(bootToleranceMs(probe({ timeoutMs, retries }))).toBe(toleranceMs);
    },
  );
});
