/* global URLSearchParams */
import { html, useState } from './vendor/htm-preact.js';
import { formatNumber, formatPercent, fromLocalInput } from './format.js';
import { t } from './i18n.js';
import { ProblemNote } from './problem-note.js';
import { useLoader } from './use-loader.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./api-types.js').Report} Report */

const DIMENSIONS = ['kind', 'rule', 'model'];
const COUNTS = /** @type {const} */ ([
  ['closed', 'rep.closed'],
  ['accepted', 'rep.accepted'],
  ['dismissed', 'rep.dismissed'],
  ['unanswered', 'rep.unanswered'],
  ['succeeded', 'rep.succeeded'],
  ['failed', 'rep.failed'],
  ['solved', 'rep.solved'],
  ['cameBack72h', 'rep.cameBack'],
]);
/** Notices and consultations: nothing to solve, so taken up and delivered instead. */
const INFORMING_COUNTS = /** @type {const} */ ([
  ['closed', 'rep.closed'],
  ['acknowledged', 'rep.acknowledged'],
  ['dismissed', 'rep.dismissed'],
  ['unanswered', 'rep.unanswered'],
  ['delivered', 'rep.delivered'],
  ['failed', 'rep.failed'],
]);

/**
 * How suggestions ended, grouped by kind, rule and/or model (GET /v1/reports/effectiveness): the
 * operator's "a reboot solves 30%" measured. Empty dates mean the API's default (the last 30 days).
 * @param {{ api: Api }} props
 */
export function ReportPanel({ api }) {
  const [by, setBy] = useState(['kind', 'model']);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [asked, setAsked] = useState({ by, from, to });
  const report = useLoader(() => {
    const query = new URLSearchParams({ by: asked.by.join(',') || 'kind' });
    const fromIso = fromLocalInput(asked.from);
    const toIso = fromLocalInput(asked.to);
    if (fromIso) query.set('from', fromIso);
    if (toIso) query.set('to', toIso);
    return api.get(`/v1/reports/effectiveness?${query.toString()}`);
  }, [api, asked]);
  const data = /** @type {Report | undefined} */ (report.data);
  const toggle = (/** @type {string} */ dimension) =>
    setBy((now) => (now.includes(dimension) ? now.filter((d) => d !== dimension) : [...now, dimension]));

  return html`
    <section class="panel">
      <h2>${t('noc.report')}</h2>
      <form
        class="inline"
        onSubmit=${(/** @type {Event} */ e) => {
          e.preventDefault();
          setAsked({ by, from, to });
        }}
      >
        <fieldset>
          <legend>${t('rep.by')}</legend>
          ${DIMENSIONS.map(
            (d) =>
              html`<label>
                <input type="checkbox" checked=${by.includes(d)} onChange=${() => toggle(d)} /> ${d}
              </label>`,
          )}
        </fieldset>
        <label>
          ${t('rep.from')}
          <input
            type="datetime-local"
            value=${from}
            onInput=${(/** @type {Event} */ e) => setFrom(/** @type {HTMLInputElement} */ (e.target).value)}
          />
        </label>
        <label>
          ${t('rep.to')}
          <input
            type="datetime-local"
            value=${to}
            onInput=${(/** @type {Event} */ e) => setTo(/** @type {HTMLInputElement} */ (e.target).value)}
          />
        </label>
        <button class="primary">${t('rep.show')}</button>
      </form>
      <${ProblemNote} error=${report.error} />
      ${data && data.rows.length === 0 && html`<p class="muted">${t('rep.none')}</p>`}
      ${
        data &&
        data.solving.rows.length > 0 &&
        html`<h3>${t('rep.solving')}</h3>
          <table>
            <thead>
              <tr>
                ${data.by.map((d) => html`<th>${d}</th>`)}
                ${COUNTS.map(([, label]) => html`<th class="num">${t(label)}</th>`)}
                <th class="num">${t('rep.successRate')}</th>
                <th class="num">${t('rep.solvedRate')}</th>
                <th>${t('rep.reasons')}</th>
              </tr>
            </thead>
            <tbody>
              ${data.solving.rows.map(
                (row) =>
                  html`<tr>
                    ${data.by.map((d) => html`<td>${row.group[d] ?? '—'}</td>`)}
                    ${COUNTS.map(([key]) => html`<td class="num">${formatNumber(row[key], 0)}</td>`)}
                    <td class="num">${formatPercent(row.successRate)}</td>
                    <td class="num">${formatPercent(row.solvedRate)}</td>
                    <td>${reasons(row.dismissReasons)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
      }
      ${
        data &&
        data.informing.rows.length > 0 &&
        html`<h3>${t('rep.informing')}</h3>
          <table>
            <thead>
              <tr>
                ${data.by.map((d) => html`<th>${d}</th>`)}
                ${INFORMING_COUNTS.map(([, label]) => html`<th class="num">${t(label)}</th>`)}
                <th class="num">${t('rep.acknowledgedRate')}</th>
                <th class="num">${t('rep.deliveredRate')}</th>
                <th>${t('rep.reasons')}</th>
              </tr>
            </thead>
            <tbody>
              ${data.informing.rows.map(
                (row) =>
                  html`<tr>
                    ${data.by.map((d) => html`<td>${row.group[d] ?? '—'}</td>`)}
                    ${INFORMING_COUNTS.map(([key]) => html`<td class="num">${formatNumber(row[key], 0)}</td>`)}
                    <td class="num">${formatPercent(row.acknowledgedRate)}</td>
                    <td class="num">${formatPercent(row.deliveredRate)}</td>
                    <td>${reasons(row.dismissReasons)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
      }
    </section>
  `;
}

/** "customer_declined (2); not_relevant (1)". @param {Record<string, number>} counts */
function reasons(counts) {
  return Object.entries(counts)
    .map(([reason, n]) => `${reason} (${n})`)
    .join('; ');
}
