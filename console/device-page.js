import { html, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { formatDuration, formatTime } from './format.js';
import { t } from './i18n.js';
import { ProblemNote } from './problem-note.js';
import { AXES } from './chart-axis.js';
import { Sparkline } from './sparkline.js';
import { useLoader } from './use-loader.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./api-types.js').DeviceDetail} DeviceDetail */
/** @typedef {import('./api-types.js').RecentPoll} RecentPoll */

/**
 * The numbers of GET /v1/devices/{id} state.recent worth a chart, in the order NOC reads them, each on
 * its own honest axis (chart-axis.js). Memory and temperature show only on devices that report them.
 */
const CHARTS = /** @type {const} */ ([
  {
    key: 'uptimeSeconds',
    label: 'chart.uptime',
    unit: 'unit.days',
    axis: AXES.uptimeDays,
    scale: 1 / 86_400,
    digits: 2,
  },
  {
    key: 'upstreamErrorsPerHour',
    label: 'chart.errors',
    unit: 'unit.perHour',
    axis: AXES.upstreamErrorsPerHour,
    scale: 1,
    digits: 0,
  },
  { key: 'cpuPercent', label: 'chart.cpu', unit: '%', axis: AXES.cpuPercent, scale: 1, digits: 0 },
  { key: 'memoryPercent', label: 'chart.memory', unit: '%', axis: AXES.memoryPercent, scale: 1, digits: 0 },
  {
    key: 'temperatureCelsius',
    label: 'chart.temperature',
    unit: '°C',
    axis: AXES.temperatureCelsius,
    scale: 1,
    digits: 0,
  },
  { key: 'signalDbm', label: 'chart.signal', unit: 'unit.dbm', axis: AXES.signalDbm, scale: 1, digits: 1 },
]);

/**
 * One device: its inventory record, what the pollers last saw, open findings, and small charts of its
 * recent polls; "Probe now" polls it on demand (POST /v1/devices/{id}/probe) and shows the fresh state.
 * @param {{ api: Api, id: string }} props
 */
export function DevicePage({ api, id }) {
  const device = useLoader(() => api.get(`/v1/devices/${seg(id)}`), [api, id], 5_000);
  const [probing, setProbing] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const d = /** @type {DeviceDetail | undefined} */ (device.data);
  const state = d?.state;
  const recent = state?.recent ?? [];

  const probe = async () => {
    setProbing(true);
    setError(null);
    try {
      await api.post(`/v1/devices/${seg(id)}/probe`);
      device.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setProbing(false);
    }
  };

  return html`
    <section class="panel">
      <p><a href="#/noc/devices">← ${t('dev.back')}</a></p>
      <h2>${id} ${state && html`<span class="badge status-${state.status}">${state.status}</span>`}</h2>
      <${ProblemNote} error=${error ?? device.error} />
      ${
        d &&
        html`<dl class="facts">
          <dt>${t('dev.kind')}</dt>
          <dd>${d.kind}</dd>
          <dt>${t('dev.model')}</dt>
          <dd>${d.model ?? '—'}</dd>
          <dt>${t('dev.parent')}</dt>
          <dd>${d.parentId ? html`<a href=${`#/noc/devices/${seg(d.parentId)}`}>${d.parentId}</a>` : '—'}</dd>
          <dt>${t('dev.site')}</dt>
          <dd>${d.site ?? '—'}</dd>
          <dt>${t('dev.host')}</dt>
          <dd><code>${d.host ?? ''}</code> · ${d.profile ?? ''}</dd>
          <dt>${t('dev.uptime')}</dt>
          <dd>${formatDuration(state?.uptimeSeconds)}</dd>
          <dt>${t('dev.lastPoll')}</dt>
          <dd>${formatTime(state?.lastPollAt)} (${state?.lastOutcome ?? '—'})</dd>
        </dl>`
      }
      <button onClick=${() => void probe()} disabled=${probing}>${t('dev.probe')}</button>
      <h3>${t('conv.findings')}</h3>
      ${state?.findings.length === 0 && html`<p class="muted">${t('conv.noFindings')}</p>`}
      <ul class="findings">
        ${(state?.findings ?? []).map(
          (f) =>
            html`<li>
              <span class="badge severity-${f.severity}">${f.severity}</span>
              <code>${f.kind}</code> ${f.evidence.summary} <span class="muted">${formatTime(f.since)}</span>
            </li>`,
        )}
      </ul>
      <h3>${t('dev.recent')}</h3>
      ${recent.length === 0 && html`<p class="muted">${t('dev.noSamples')}</p>`}
      <div class="charts">
        ${CHARTS.map(
          (c) =>
            html`<${Sparkline}
              key=${c.key}
              label=${t(c.label)}
              unit=${t(c.unit)}
              axis=${c.axis}
              digits=${c.digits}
              points=${recent.map((p) => ({ at: p.at, value: scaled(p[c.key], c.scale) }))}
              always=${c.key === 'uptimeSeconds'}
            />`,
        )}
      </div>
    </section>
  `;
}

/** @param {number | null} value @param {number} scale */
function scaled(value, scale) {
  return value === null ? null : value * scale;
}
