import { html } from './vendor/htm-preact.js';
import { formatNumber } from './format.js';
import { ow } from './noc-overview-words.js';

/** @typedef {import('./noc-overview-types.js').KindHealth} KindHealth */
/** @typedef {import('./noc-overview-types.js').DeviceStatus} DeviceStatus */

/** Worst first, as the NOC reads a row: what is down before what is fine. */
const STATUSES = /** @type {const} */ (['down', 'degraded', 'up', 'unknown']);
const BAR_WIDTH = 140;
const BAR_HEIGHT = 12;

/**
 * One kind's statuses as a bar, each status's share of the kind (a status with devices gets at least a
 * sliver, so one device down among 10,000 still shows). The numbers beside it are the figures; the
 * bar is their shape, described for screen readers by its label.
 * @param {{ health: KindHealth, label: string }} props
 */
function StatusBar({ health, label }) {
  const total = Math.max(1, health.total);
  const widths = STATUSES.map((s) => {
    const n = health.byStatus[s];
    return n === 0 ? 0 : Math.max(2, (n / total) * BAR_WIDTH);
  });
  const scale =
    BAR_WIDTH /
    Math.max(
      BAR_WIDTH,
      widths.reduce((a, b) => a + b, 0),
    );
  let x = 0;
  const words = STATUSES.map((s) => `${formatNumber(health.byStatus[s], 0)} ${ow(`status.${s}`)}`);
  return html`<svg
    class="status-bar"
    viewBox="0 0 ${BAR_WIDTH} ${BAR_HEIGHT}"
    width=${BAR_WIDTH}
    height=${BAR_HEIGHT}
    role="img"
    aria-label=${`${label}: ${words.join(', ')}`}
  >
    <rect class="bar-empty" x="0" y="0" width=${BAR_WIDTH} height=${BAR_HEIGHT} />
    ${STATUSES.map((s, i) => {
      const width = (widths[i] ?? 0) * scale;
      const rect = html`<rect
        class=${`bar-${s}`}
        x=${x.toFixed(1)}
        y="0"
        width=${width.toFixed(1)}
        height=${BAR_HEIGHT}
      />`;
      x += width;
      return rect;
    })}
  </svg>`;
}

/**
 * Devices by kind and status, with the whole fleet on the last row: the counts the API read, each cell
 * marked with its kind and status (`data-kind`, `data-status`) so a test, or a wallboard script, reads
 * the same figure the NOC sees.
 * @param {{ fleet: KindHealth[] }} props
 */
export function FleetHealth({ fleet }) {
  /** @type {KindHealth} */
  const all = {
    kind: /** @type {KindHealth['kind']} */ ('all'),
    total: fleet.reduce((sum, h) => sum + h.total, 0),
    byStatus: { down: 0, degraded: 0, up: 0, unknown: 0 },
  };
  for (const h of fleet) for (const s of STATUSES) all.byStatus[s] += h.byStatus[s];
  const rows = [...fleet.filter((h) => h.total > 0), all];
  return html`
    <section class="panel overview-fleet" aria-labelledby="overview-fleet-title">
      <h3 id="overview-fleet-title">${ow('fleet')}</h3>
      <table class="fleet">
        <thead>
          <tr>
            <th scope="col">${ow('kind')}</th>
            <th scope="col"><span class="visually-hidden">${ow('fleet')}</span></th>
            ${STATUSES.map(
              (s) =>
                html`<th scope="col" class="num">
                  <span class=${`badge status-${s}`}>${ow(`status.${s}`)}</span>
                </th>`,
            )}
            <th scope="col" class="num">${ow('total')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map((h) => {
            const label = h === all ? ow('all') : ow(`kind.${h.kind}`);
            return html`<tr key=${h.kind} data-kind=${h.kind} class=${h === all ? 'total' : ''}>
              <th scope="row">${label}</th>
              <td><${StatusBar} health=${h} label=${label} /></td>
              ${STATUSES.map(
                (s) =>
                  html`<td
                    class=${`num${s === 'down' && h.byStatus.down > 0 ? ' alarm' : ''}`}
                    data-kind=${h.kind}
                    data-status=${s}
                    data-count=${h.byStatus[s]}
                  >
                    ${formatNumber(h.byStatus[s], 0)}
                  </td>`,
              )}
              <td class="num" data-kind=${h.kind} data-status="total" data-count=${h.total}>
                ${formatNumber(h.total, 0)}
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </section>
  `;
}
