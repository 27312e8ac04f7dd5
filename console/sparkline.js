import { html } from './vendor/htm-preact.js';
import { axisRange, yOf } from './chart-axis.js';
import { formatNumber } from './format.js';
import { language, t } from './i18n.js';

/** @typedef {import('./chart-axis.js').AxisRule} AxisRule */

const WIDTH = 320;
const HEIGHT = 96;
/** The plot: left of it the value axis' labels, under it the first and last poll's times. */
const LEFT = 60;
const RIGHT = 314;
const TOP = 8;
const BOTTOM = 76;

/**
 * A small inline SVG chart of one number over the device's recent polls (the API keeps the last 12),
 * on an honest axis (chart-axis.js): a fixed range or one from zero, labelled with its unit, so a flat
 * series is a flat line and a small change looks small. A poll without the number (no answer, or a rate
 * unknown after a reboot) breaks the line and is marked by a red tick at the bottom, so "the device
 * stopped answering" reads differently from "the number fell".
 * @param {{ label: string, unit: string, axis: AxisRule, points: { at: string | number, value: number | null }[],
 *   digits?: number, always?: boolean }} props
 */
export function Sparkline({ label, unit, axis, points, digits = 1, always = false }) {
  const values = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  // Nothing at all: no chart, unless `always` (uptime, which every probe reads: a device down for the
  // whole window then shows as a row of failed polls).
  if (points.length === 0 || (values.length === 0 && !always)) return null;
  const range = axisRange(axis, values);
  const step = points.length > 1 ? (RIGHT - LEFT) / (points.length - 1) : 0;
  const x = (/** @type {number} */ i) => LEFT + i * step;
  const y = (/** @type {number} */ v) => yOf(v, range, TOP, BOTTOM);

  /** @type {{ x: number, y: number }[][]} */
  const runs = [[]];
  points.forEach((p, i) => {
    if (p.value === null) runs.push([]);
    else runs[runs.length - 1]?.push({ x: x(i), y: y(p.value) });
  });
  const last = values[values.length - 1];
  const gaps = points.flatMap((p, i) => (p.value === null ? [i] : []));
  const low = Math.min(...values);
  const high = Math.max(...values);
  const withUnit = (/** @type {number} */ v) => `${formatNumber(v, digits)} ${unit}`;
  const first = points[0];
  const final = points[points.length - 1];

  return html`
    <figure class="sparkline">
      <figcaption class="line">
        ${label}: <strong>${last === undefined ? '—' : withUnit(last)}</strong>
        ${
          values.length > 1 &&
          html`<span class="muted">(${formatNumber(low, digits)} … ${withUnit(high)})</span>`
        }
      </figcaption>
      <svg
        viewBox="0 0 ${WIDTH} ${HEIGHT}"
        width=${WIDTH}
        height=${HEIGHT}
        role="img"
        aria-label=${`${label}, ${t('chart.axis')} ${withUnit(range.min)} … ${withUnit(range.max)}`}
        data-min=${range.min}
        data-max=${range.max}
      >
        <title>${label}</title>
        <rect class="frame" x=${LEFT} y=${TOP} width=${RIGHT - LEFT} height=${BOTTOM - TOP} />
        <text class="axis" x=${LEFT - 4} y=${TOP + 4} text-anchor="end">${withUnit(range.max)}</text>
        <text class="axis" x=${LEFT - 4} y=${BOTTOM} text-anchor="end">${withUnit(range.min)}</text>
        ${
          range.min < 0 &&
          range.max > 0 &&
          html`<line class="zero" x1=${LEFT} x2=${RIGHT} y1=${y(0)} y2=${y(0)} />`
        }
        ${first && html`<text class="axis" x=${LEFT} y=${HEIGHT - 4}>${clock(first.at)}</text>`}
        ${
          final &&
          points.length > 1 &&
          html`<text class="axis" x=${RIGHT} y=${HEIGHT - 4} text-anchor="end">${clock(final.at)}</text>`
        }
        ${runs
          .filter((run) => run.length > 0)
          .map((run) =>
            run.length === 1
              ? html`<circle class="point" cx=${run[0]?.x.toFixed(1)} cy=${run[0]?.y.toFixed(1)} r="2.5" />`
              : html`<polyline
                  class="line"
                  points=${run.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')}
                />`,
          )}
        ${gaps.map(
          (i) =>
            html`<line class="gap" x1=${x(i)} x2=${x(i)} y1=${BOTTOM} y2=${BOTTOM + 6}>
              <title>${t('chart.noValue')}</title>
            </line>`,
        )}
      </svg>
    </figure>
  `;
}

/** A poll's time on the time axis: "14:05". @param {string | number} at ISO 8601 or epoch ms */
function clock(at) {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString(language() === 'ru' ? 'ru-RU' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
}
