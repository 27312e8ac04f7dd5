/**
 * Honest axes for the device charts. A chart scaled to its own min and max turns "uptime 0 … 0" into a
 * full-height ramp and CPU 18 → 22 % into a spike; here each metric has a fixed range or starts at
 * zero, so the height of a line means the same on every device, and a flat series is drawn flat.
 */

/**
 * How a metric's axis is chosen: `fixed` ranges (percentages, temperature, signal) widen only to take
 * in a value outside them (never clipped); `zero` axes run from 0 to a round number above the largest
 * value (uptime, error rates).
 * @typedef {{ type: 'fixed', min: number, max: number } | { type: 'zero' } | { type: 'signal' }} AxisRule
 */

/** @typedef {{ min: number, max: number }} AxisRange */

export const AXES = {
  uptimeDays: /** @type {AxisRule} */ ({ type: 'zero' }),
  upstreamErrorsPerHour: /** @type {AxisRule} */ ({ type: 'zero' }),
  cpuPercent: /** @type {AxisRule} */ ({ type: 'fixed', min: 0, max: 100 }),
  memoryPercent: /** @type {AxisRule} */ ({ type: 'fixed', min: 0, max: 100 }),
  // Device boards and cabinets: the shipped probes' ceilings are 70 °C.
  temperatureCelsius: /** @type {AxisRule} */ ({ type: 'fixed', min: 0, max: 100 }),
  // Two families share the name: optical receive power (GPON ONTs read about -8 … -28 dBm, ITU-T
  // G.984.2 class B+) and LTE RSRP (-140 … -44 dBm, 3GPP TS 36.133 9.1.4); see `signalRange`.
  signalDbm: /** @type {AxisRule} */ ({ type: 'signal' }),
};

/** The smallest of 1, 2, 5 × 10^k at or above `value` (> 0). @param {number} value */
export function roundUp(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value - 1e-12) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Optical levels on -40 … 0 dBm, radio levels on -140 … -40 dBm, a mix on both: fixed per family, so
 * a 2 dB drop reads as 2 dB whatever the device.
 * @param {number[]} values
 * @returns {AxisRange}
 */
function signalRange(values) {
  const optical = values.every((v) => v >= -40);
  const radio = values.every((v) => v <= -40);
  if (optical) return { min: -40, max: 0 };
  if (radio) return { min: -140, max: -40 };
  return { min: -140, max: 0 };
}

/**
 * The axis of one chart: from its rule, widened to take in every value.
 * @param {AxisRule} rule
 * @param {number[]} values the known values (a failed poll has none)
 * @returns {AxisRange}
 */
export function axisRange(rule, values) {
  if (rule.type === 'zero') {
    const top = Math.max(0, ...values);
    const bottom = Math.min(0, ...values);
    return { min: bottom < 0 ? -roundUp(-bottom) : 0, max: top > 0 ? roundUp(top) : 1 };
  }
  const base = rule.type === 'signal' ? signalRange(values) : { min: rule.min, max: rule.max };
  return { min: Math.min(base.min, ...values), max: Math.max(base.max, ...values) };
}

/**
 * A value's y in an SVG box whose plot runs from `top` (the range's max) to `bottom` (its min).
 * @param {number} value
 * @param {AxisRange} range
 * @param {number} top
 * @param {number} bottom
 */
export function yOf(value, range, top, bottom) {
  const span = range.max - range.min || 1;
  return bottom - ((value - range.min) / span) * (bottom - top);
}
