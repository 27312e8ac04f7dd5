import { describe, expect, it } from 'vitest';
import {
  appendRecent,
  RECENT_POINTS,
  recentPoints,
  viewRecent,
  windowOf,
  type RecentPoint,
} from '../../src/polling/recent-samples.js';

const T0 = Date.UTC(2026, 11, 4, 12);
const point = (i: number): RecentPoint => [
  T0 + i * 300_123,
  i % 3,
  1_000 + i * 300.12,
  9.5,
  null,
  54.5,
  -22.23,
  i,
];

describe("a device's window of recent polls", () => {
  it('keeps the last RECENT_POINTS polls, oldest first, each with its own time and values', () => {
    let window = windowOf([]);
    expect(window).toBeUndefined();
    const appended = Array.from({ length: RECENT_POINTS + 5 }, (_, i) => point(i));
    for (const p of appended) window = appendRecent(window, p);
    expect(recentPoints(window)).toEqual(appended.slice(-RECENT_POINTS));
  });

  it('reads back every number as it was given, each in the fewest bytes msgpack has for it', () => {
    const values = [
      0, 127, 128, 255, 256, 65_535, 65_536, 4_294_967_295, 4_294_967_296, -1, -32, -33, -128, -129,
    ];
    const more = [
      -32_768,
      -32_769,
      -2_147_483_648,
      -2_147_483_649,
      2 ** 53 - 1,
      -0,
      0.1 + 0.2,
      -22.23,
      42.6,
      1e-9,
    ];
    for (const value of [...values, ...more]) {
      const given: RecentPoint = [T0, 0, value, null, null, null, null, null];
      expect(recentPoints(windowOf([given]))).toEqual([given]);
    }
    const size = (value: number | null): number =>
      windowOf([[T0, 0, value, null, null, null, null, null]])!.length;
    expect([127, 255, 65_535, 4_294_967_295, -22.23, 0.1 + 0.2].map((v) => size(v) - size(null))).toEqual([
      0, 1, 2, 4, 4, 8,
    ]);
  });

  it('reads back times that went backwards (a clock stepped back) as they were given', () => {
    const given: RecentPoint[] = [point(2), point(1), point(3)];
    expect(recentPoints(windowOf(given))).toEqual(given);
  });

  it('is read as no polls when its bytes do not hold up, and a poll then starts a fresh one', () => {
    const window = windowOf([point(1), point(2)])!;
    for (const broken of [
      window.subarray(0, window.length - 1),
      Buffer.concat([window, Buffer.of(0)]),
      Buffer.alloc(3),
    ]) {
      expect(recentPoints(broken)).toEqual([]);
      expect(viewRecent(broken)).toEqual([]);
      expect(recentPoints(appendRecent(broken, point(5)))).toEqual([point(5)]);
    }
  });

  it('shows each poll with its time, outcome and values', () => {
    const [view] = viewRecent(windowOf([point(1)]));
    expect(view).toEqual({
      at: new Date(T0 + 300_123).toISOString(),
      outcome: 'partial',
      uptimeSeconds: 1_300.12,
      cpuPercent: 9.5,
      memoryPercent: null,
      temperatureCelsius: 54.5,
      signalDbm: -22.23,
      upstreamErrorsPerHour: 1,
    });
  });
});
