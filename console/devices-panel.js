/* global fetch, URLSearchParams */
import { html, useEffect, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { formatTime } from './format.js';
import { t } from './i18n.js';
import { ProblemNote } from './problem-note.js';
import { useLoader } from './use-loader.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./api-types.js').Device} Device */
/** @typedef {import('./api-types.js').Page<Device>} DevicePage */

/** Worst first: the order of the pills, and the order in which the panel picks where to open. */
const STATUSES = ['down', 'degraded', 'up', 'unknown'];
const KINDS = ['cpe', 'access_node', 'base_station'];
/** Finding kinds NOC filters by most (README "Detection"). */
const FINDINGS = [
  'unreachable',
  'base_station_down',
  'stale_uptime',
  'reboot_loop',
  'wan_down',
  'error_rate',
  'low_signal',
  'resource_exhaustion',
  'cell_down',
  'flapping',
];
const PAGE = 100;

/**
 * Devices by what the pollers see (status, open finding) and by kind, a page at a time through the
 * API's cursors. Status counts come from /metrics (vigil_devices{status}), read by the same NOC key;
 * they add up to the inventory (a device never polled is `unknown`). The panel opens on the worst
 * status that has devices (down, else degraded), or on all of them: never on an empty list while
 * devices are in trouble. Once open, it stays on what NOC picks.
 * @param {{ api: Api }} props
 */
export function DevicesPanel({ api }) {
  const counts = useLoader(() => statusCounts(api), [api], 10_000);
  const [picked, setStatus] = useState(/** @type {string | null} */ (null));
  const [opening, setOpening] = useState(/** @type {string | null} */ (null));
  useEffect(() => {
    if (opening === null && (counts.data !== undefined || counts.error))
      setOpening(openingStatus(counts.data));
  }, [counts.data, counts.error]);
  const status = picked ?? opening;
  const [kind, setKind] = useState('');
  const [finding, setFinding] = useState('');
  const [pages, setPages] = useState(/** @type {DevicePage[]} */ ([]));
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (status) query.set('status', status);
  if (kind) query.set('kind', kind);
  if (finding) query.set('finding', finding);
  const first = useLoader(async () => {
    setPages([]);
    // Not before the counts say where to open: one request, no flash of the wrong list.
    if (status === null) return undefined;
    return /** @type {DevicePage} */ (await api.get(`/v1/devices?${query.toString()}`));
  }, [api, status, kind, finding]);
  const all = first.data ? [first.data, ...pages] : [];
  const devices = all.flatMap((p) => p.items);
  const next = all[all.length - 1]?.nextCursor;
  const more = async () => {
    if (!next) return;
    const page = /** @type {DevicePage} */ (
      await api.get(`/v1/devices?${query.toString()}&cursor=${seg(next)}`)
    );
    setPages((previous) => [...previous, page]);
  };
  const select = (/** @type {(v: string) => void} */ set) => (/** @type {Event} */ e) =>
    set(/** @type {HTMLSelectElement} */ (e.target).value);
  const countOf = (/** @type {string} */ s) => counts.data?.get(s);

  return html`
    <section class="panel">
      <h2>${t('noc.devices')}</h2>
      <form class="inline filters" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()}>
        <fieldset class="segmented">
          <legend>${t('dev.status')}</legend>
          ${['', ...STATUSES].map(
            (s) =>
              html`<label class=${status === s ? 'on' : ''}>
                <input
                  type="radio"
                  name="status"
                  value=${s}
                  checked=${status === s}
                  onChange=${select(setStatus)}
                />
                ${s || t('dev.any')}${countOf(s) !== undefined && html` <span class="count">${countOf(s)}</span>`}
              </label>`,
          )}
        </fieldset>
        <label>
          ${t('dev.kind')}
          <select value=${kind} onChange=${select(setKind)}>
            <option value="">${t('dev.any')}</option>
            ${KINDS.map((k) => html`<option value=${k}>${k}</option>`)}
          </select>
        </label>
        <label>
          ${t('dev.finding')}
          <select value=${finding} onChange=${select(setFinding)}>
            <option value="">${t('dev.any')}</option>
            ${FINDINGS.map((f) => html`<option value=${f}>${f}</option>`)}
          </select>
        </label>
        <button type="button" onClick=${() => first.reload()}>${t('noc.refresh')}</button>
      </form>
      <p class="muted" role="status">${t('noc.updated')} ${formatTime(first.loadedAt)}</p>
      <${ProblemNote} error=${first.error} />
      ${
        first.data &&
        devices.length === 0 &&
        html`<p class="muted" data-empty>${describeEmpty({ status: status ?? '', kind, finding })}</p>`
      }
      ${
        devices.length > 0 &&
        html`<table>
          <thead>
            <tr>
              <th>Id</th>
              <th>${t('dev.kind')}</th>
              <th>${t('dev.model')}</th>
              <th>${t('dev.parent')}</th>
              <th>${t('dev.site')}</th>
              <th>${t('dev.host')}</th>
              ${status && html`<th>${t('dev.status')}</th>`}
            </tr>
          </thead>
          <tbody>
            ${devices.map(
              (d) =>
                html`<tr key=${d.id}>
                  <td><a href=${`#/noc/devices/${seg(d.id)}`}>${d.id}</a></td>
                  <td>${d.kind}</td>
                  <td>${d.model ?? ''}</td>
                  <td>
                    ${d.parentId ? html`<a href=${`#/noc/devices/${seg(d.parentId)}`}>${d.parentId}</a>` : '—'}
                  </td>
                  <td>${d.site ?? ''}</td>
                  <td><code>${d.host ?? ''}</code></td>
                  ${status && html`<td><span class="badge status-${status}">${status}</span></td>`}
                </tr>`,
            )}
          </tbody>
        </table>`
      }
      ${next && html`<button onClick=${() => void more()}>${t('dev.more')}</button>`}
    </section>
  `;
}

/**
 * Where the panel opens: the worst status with devices in it (down, then degraded), else every device.
 * @param {Map<string, number> | undefined} counts
 */
export function openingStatus(counts) {
  for (const status of ['down', 'degraded']) if ((counts?.get(status) ?? 0) > 0) return status;
  return '';
}

/**
 * "No devices match status down · kind cpe.": an empty list says which filter emptied it.
 * @param {{ status: string, kind: string, finding: string }} filter
 */
export function describeEmpty({ status, kind, finding }) {
  const parts = [
    status && `${t('dev.status').toLowerCase()} ${status}`,
    kind && `${t('dev.kind').toLowerCase()} ${kind}`,
    finding && `${t('dev.finding').toLowerCase()} ${finding}`,
  ].filter(Boolean);
  return parts.length === 0 ? t('dev.noneAtAll') : `${t('dev.none')} ${parts.join(' · ')}.`;
}

/**
 * Devices per status from the Prometheus text of /metrics: `vigil_devices{status="down"} 12`. The total
 * (key "") is their sum. Absent (no counts shown) when /metrics is not readable.
 * @param {Api} api
 * @returns {Promise<Map<string, number>>}
 */
async function statusCounts(api) {
  const response = await fetch('/metrics', { headers: { authorization: `Bearer ${api.key}` } });
  if (!response.ok) return new Map();
  const counts = new Map();
  let total = 0;
  for (const match of (await response.text()).matchAll(/^vigil_devices\{status="(\w+)"\} (\d+)/gm)) {
    const n = Number(match[2]);
    counts.set(match[1], n);
    total += n;
  }
  if (counts.size > 0) counts.set('', total);
  return counts;
}
