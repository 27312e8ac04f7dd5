import { describe, expect, it } from 'vitest';

// console/ is browser JavaScript checked by its own tsconfig (tsc -p console); this project's
// TypeScript does not read it, so the test names the shapes it uses and imports the file by URL.
type AxisRule = { type: 'fixed'; min: number; max: number } | { type: 'zero' } | { type: 'signal' };
type AxisRange = { min: number; max: number };
const { AXES, axisRange, roundUp, yOf } = (await import(
  new URL('../../console/chart-axis.js', import.meta.url).href
)) as {
  AXES: Record<
    'uptimeDays' | 'upstreamErrorsPerHour' | 'cpuPercent' | 'temperatureCelsius' | 'signalDbm',
    AxisRule
  >;
  axisRange: (rule: AxisRule, values: number[]) => AxisRange;
  roundUp: (value: number) => number;
  yOf: (value: number, range: AxisRange, top: number, bottom: number) => number;
};

describe('the device charts’ axes', () => {
  it('draws CPU on 0–100 %, so 18 → 22 % is a small step, not a spike', () => {
    const range = axisRange(AXES.cpuPercent, [18, 19, 22]);
    expect(range).toEqual({ min: 0, max: 100 });
    const rise = yOf(18, range, 0, 100) - yOf(22, range, 0, 100);
    expect(rise).toBeCloseTo(4);
  });

  it('starts uptime at zero and draws "0 … 0" flat at the bottom, not as a ramp', () => {
    const range = axisRange(AXES.uptimeDays, [0, 0, 0]);
    expect(range).toEqual({ min: 0, max: 1 });
    const ys = [0, 0, 0].map((v) => yOf(v, range, 8, 76));
    expect(new Set(ys)).toEqual(new Set([76]));
  });

  it('tops a zero-based axis at a round number above the largest value', () => {
    expect(axisRange(AXES.upstreamErrorsPerHour, [0, 130, 1240])).toEqual({ min: 0, max: 2000 });
    expect(axisRange(AXES.uptimeDays, [40.2, 40.3])).toEqual({ min: 0, max: 50 });
    expect([0.003, 1, 3, 7, 10, 11].map(roundUp)).toEqual([0.005, 1, 5, 10, 10, 20]);
  });

  it('keeps each signal family on its own fixed range, widened only for a value outside it', () => {
    expect(axisRange(AXES.signalDbm, [-21.5, -22])).toEqual({ min: -40, max: 0 });
    expect(axisRange(AXES.signalDbm, [-95, -112])).toEqual({ min: -140, max: -40 });
    expect(axisRange(AXES.temperatureCelsius, [45, 104])).toEqual({ min: 0, max: 104 });
  });
});
