import { html } from './vendor/htm-preact.js';
import { formatNumber } from './format.js';
import { t } from './i18n.js';

const WIDTH = 320;
const HEIGHT = 72;
const PAD = 6;

/**
 * A small inline SVG chart of one number over the device's recent polls (the API keeps the last 12).
 * A poll without the number (no answer, or a rate unknown after a reboot) breaks the line and is marked
 * by a red tick at the bottom, so "the device stopped answering" reads differently from "the number fell".
 * @param {{ label: string, points: { at: string, value: number | null }[], digits?: number, always?: boolean }} props
 */
export function Sparkline({ label, points, digits = 1, always = false }) {
  const values = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  // Nothing at all: no chart, unless `always` (uptime, which every probe reads: a device down for the
  // whole window then shows as a row of failed polls).
  if (points.length === 0 || (values.length === 0 && !always)) return null;
  const min = values.length > 0 ? Math.min(...values) : 0;
  const max = values.length > 0 ? Math.max(...values) : 0;
  const span = max - min || Math.abs(max) || 1;
  const step = points.length > 1 ? (WIDTH - 2 * PAD) / (points.length - 1) : 0;
  const x = (/** @type {number} */ i) => PAD + i * step;
  const y = (/** @type {number} */ v) => HEIGHT - PAD - ((v - min) / span) * (HEIGHT - 2 * PAD);

  /** @type {string[][]} */
  const runs = [[]];
  points.forEach((p, i) => {
    if (p.value === null) runs.push([]);
    else runs[runs.length - 1]?.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  const last = values.length > 0 ? values[values.length - 1] : null;
  const gaps = points.flatMap((p, i) => (p.value === null ? [i] : []));

  return html`
    <figure class="sparkline">
      <figcaption class="line">
        ${label}: <strong>${formatNumber(last, digits)}</strong>
        <span class="muted">(${formatNumber(min, digits)} … ${formatNumber(max, digits)})</span>
      </figcaption>
      <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width=${WIDTH} height=${HEIGHT} role="img" aria-label=${label}>
        <title>${label}</title>
        <rect class="frame" x="0.5" y="0.5" width=${WIDTH - 1} height=${HEIGHT - 1} />
        ${runs
          .filter((run) => run.length > 0)
          .map((run) =>
            run.length === 1
              ? html`<circle class="point" cx=${run[0]?.split(',')[0]} cy=${run[0]?.split(',')[1]} r="2.5" />`
              : html`<polyline class="line" points=${run.join(' ')} />`,
          )}
        ${gaps.map(
          (i) =>
            html`<line class="gap" x1=${x(i)} x2=${x(i)} y1=${HEIGHT - PAD} y2=${HEIGHT - 1}>
              <title>${t('chart.noValue')}</title>
            </line>`,
        )}
      </svg>
    </figure>
  `;
}
