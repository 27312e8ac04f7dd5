import { html } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { formatTime } from './format.js';
import { count, w } from './incident-page-words.js';
import { IncidentSubscribers } from './incident-subscribers.js';
import { IncidentTimeline } from './incident-timeline.js';
import { IncidentTree } from './incident-tree.js';
import { noteWords, resolvedWords } from './incident-words.js';
import { ProblemNote } from './problem-note.js';
import { useLoader } from './use-loader.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./api-types.js').Incident} Incident */
/** @typedef {import('./incident-timeline.js').Timeline} Timeline */
/** @typedef {import('./incident-timeline.js').SmsSummary} SmsSummary */

/** The summary, timeline and counts follow the outage; the tree and the subscribers are read on demand. */
const REFRESH_MS = 5_000;

/**
 * One incident's page (#/noc/incidents/<id>): what it is, the shape of the outage (its tree by level),
 * the subscribers it cuts off with those already talking to an agent marked, and its timeline with the
 * SMS and alerts it sent.
 * @param {{ api: Api, id: string }} props
 */
export function IncidentPage({ api, id }) {
  const path = `/v1/incidents/${seg(id)}`;
  const incident = useLoader(() => api.get(path), [api, id], REFRESH_MS);
  const timeline = useLoader(() => api.get(`${path}/timeline`), [api, id], REFRESH_MS);
  const sms = useLoader(() => api.get(`${path}/sms`), [api, id], REFRESH_MS);
  const i = /** @type {Incident | undefined} */ (incident.data);
  return html`
    <p><a href="#/noc/incidents">← ${w('back')}</a></p>
    <section class="panel" aria-labelledby="incident-title">
      <h2 id="incident-title">${w('title')} ${id}</h2>
      <${ProblemNote} error=${incident.error} />
      ${i && html`<${Summary} incident=${i} />`}
    </section>
    ${i && html`<${IncidentTree} api=${api} incidentId=${id} />`}
    ${i && html`<${IncidentSubscribers} api=${api} incidentId=${id} />`}
    ${
      i &&
      html`<${IncidentTimeline}
        timeline=${/** @type {Timeline | undefined} */ (timeline.data)}
        sms=${/** @type {SmsSummary | undefined} */ (sms.data)}
      />`
    }
    <${ProblemNote} error=${timeline.error ?? sms.error} />
  `;
}

/** @param {{ incident: Incident }} props */
function Summary({ incident: i }) {
  const live = i.state !== 'resolved';
  return html`<dl class="facts" data-incident=${i.id} data-state=${i.state}>
    <dt>${w('state')}</dt>
    <dd><span class=${`badge state-${i.state}`}>${i.state}</span> ${i.kind}</dd>
    <dt>${w('root')}</dt>
    <dd><a href=${`#/noc/devices/${seg(i.rootDeviceId)}`}>${i.rootDeviceId}</a></dd>
    <dt>${w('cause')}</dt>
    <dd>${i.cause}</dd>
    <dt>${w('opened')}</dt>
    <dd>${formatTime(i.openedAt)}${!live && html` · ${resolvedWords(i)}`}</dd>
    <dt>${w('devicesCutOff')}</dt>
    <dd data-count="devices">${count(i.affectedDeviceIds?.length ?? 0)}</dd>
    <dt>${w('subscribersAffected')}</dt>
    <dd data-count="subscribers">${count(i.affectedSubscriberIds?.length ?? 0)}</dd>
    <dt>${w('eta')}</dt>
    <dd>${i.eta ? formatTime(i.eta) : '—'}</dd>
    <dt>${w('note')}</dt>
    <dd>${noteWords(i) || '—'}</dd>
  </dl>`;
}
