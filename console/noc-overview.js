import { html, useEffect, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { followEvents } from './event-stream.js';
import { formatNumber, formatTime } from './format.js';
import { language } from './i18n.js';
import { FleetHealth } from './noc-overview-fleet.js';
import { LastHour, PipelineHealth } from './noc-overview-hour.js';
import { ow } from './noc-overview-words.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./noc-overview-types.js').Overview} Overview */
/** @typedef {import('./noc-overview-types.js').OverviewIncident} OverviewIncident */

/**
 * The NOC view's first screen: the whole fleet in one look. Every figure comes from the API
 * (`/v1/overview/events`: a fresh picture whenever a poll moves a device's status, and every 15 s),
 * none is counted in the browser; the stream's state shows beside the time of the last picture.
 * @param {{ api: Api }} props
 */
export function NocOverview({ api }) {
  const [overview, setOverview] = useState(/** @type {Overview | undefined} */ (undefined));
  const [stream, setStream] = useState('connecting');
  useEffect(
    () =>
      followEvents({
        url: '/v1/overview/events',
        key: api.key,
        onEvent: (event) => {
          if (event.type === 'overview')
            setOverview(/** @type {Overview} */ (/** @type {unknown} */ (event.data)));
        },
        onStatus: (status) => setStream(status),
      }),
    [api],
  );

  return html`
    <section class="overview" aria-labelledby="overview-title">
      <header class="overview-head">
        <h2 id="overview-title">${ow('title')}</h2>
        <span class=${`badge stream-${stream}`} role="status">${ow(`stream.${stream}`)}</span>
        <span class="muted">${ow('updated')} ${formatTime(overview?.at)}</span>
      </header>
      ${
        overview &&
        html`<div class="overview-grid">
          <${FleetHealth} fleet=${overview.fleet} />
          <${TopIncidents} incidents=${overview.incidents} />
          <${LastHour} series=${overview.series} />
          <${PipelineHealth} overview=${overview} />
        </div>`
      }
    </section>
  `;
}

/** @param {{ incidents: Overview['incidents'] }} props */
function TopIncidents({ incidents }) {
  // The ETA column only once NOC has set one: the narrow panel keeps its room for the figures.
  const withEta = incidents.top.some((i) => i.eta !== undefined);
  return html`
    <section class="panel overview-incidents" aria-labelledby="overview-incidents-title">
      <h3 id="overview-incidents-title">
        ${ow('incidents')}
        ${
          incidents.total > incidents.top.length &&
          html` <span class="muted">(${ow('incidentsMore', { n: incidents.total })})</span>`
        }
      </h3>
      ${incidents.top.length === 0 && html`<p class="muted" data-empty>${ow('noIncidents')}</p>`}
      ${
        incidents.top.length > 0 &&
        html`<table>
          <thead>
            <tr>
              <th scope="col">${ow('incident')}</th>
              <th scope="col">${ow('state')}</th>
              <th scope="col" class="num">${ow('subscribers')}</th>
              <th scope="col" class="num">${ow('devices')}</th>
              <th scope="col">${ow('opened')}</th>
              ${withEta && html`<th scope="col">${ow('eta')}</th>`}
            </tr>
          </thead>
          <tbody>
            ${incidents.top.map((i) => html`<${IncidentRow} key=${i.id} incident=${i} withEta=${withEta} />`)}
          </tbody>
        </table>`
      }
    </section>
  `;
}

/** @param {{ incident: OverviewIncident, withEta: boolean }} props */
function IncidentRow({ incident: i, withEta }) {
  return html`<tr data-incident=${i.id} data-state=${i.state}>
    <th scope="row" class="id"><a href=${`#/noc/incidents/${seg(i.id)}`}>${i.id}</a></th>
    <td>
      <span class=${`badge state-${i.state}`}>${i.state}</span>
      ${i.kind === 'planned_works' && html` <span class="badge inhibited">${i.kind}</span>`}
    </td>
    <td class="num" data-count="subscribers">${formatNumber(i.subscribers, 0)}</td>
    <td class="num" data-count="devices">${formatNumber(i.devices, 0)}</td>
    <td class="when">${shortTime(i.openedAt)}</td>
    ${withEta && html`<td class="when">${i.eta ? shortTime(i.eta) : '—'}</td>`}
  </tr>`;
}

/**
 * "14:05" today, "01 Jan 14:05" another day: the overview's narrow columns (the incident page has the
 * full time).
 * @param {string} iso
 */
function shortTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const locale = language() === 'ru' ? 'ru-RU' : 'en-GB';
  const today = date.toDateString() === new Date().toDateString();
  return date.toLocaleString(locale, {
    ...(today ? {} : { day: '2-digit', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
  });
}
