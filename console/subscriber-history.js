import { html, useEffect, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { formatTime } from './format.js';
import { w } from './history-words.js';
import { kindLabel, t } from './i18n.js';
import { ProblemNote } from './problem-note.js';

/** @typedef {import('./api.js').Api} Api */
/**
 * One entry of GET /v1/subscribers/{id}/history.
 * @typedef {{
 *   type: 'contact' | 'action' | 'dismissal' | 'sms',
 *   at: string,
 *   channel?: string, agentId?: string,
 *   kind?: string, state?: string, deviceId?: string, requestedBy?: string,
 *   result?: string, reason?: string, findingCleared?: boolean, escalation?: string, ticketId?: string,
 *   suggestionId?: string, incidentId?: string, text?: string,
 * }} HistoryItem
 * @typedef {{ items: HistoryItem[], nextBefore?: string, partial: boolean }} HistoryPage
 */

const PAGE = 10;

/**
 * The subscriber's history, newest first: so the agent sees "rebooted yesterday, did not help" before
 * offering the same again. Read again whenever `version` changes (an action of this conversation ended).
 * @param {{ api: Api, subscriberId: string, version?: number }} props
 */
export function SubscriberHistory({ api, subscriberId, version = 0 }) {
  const [items, setItems] = useState(/** @type {HistoryItem[]} */ ([]));
  const [next, setNext] = useState(/** @type {string | undefined} */ (undefined));
  const [partial, setPartial] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));

  /** @param {string | undefined} before */
  const load = async (before) => {
    const query = `?limit=${PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
    try {
      const page = /** @type {HistoryPage} */ (
        await api.get(`/v1/subscribers/${seg(subscriberId)}/history${query}`)
      );
      setItems((shown) => (before ? [...shown, ...page.items] : page.items));
      setNext(page.nextBefore);
      setPartial(page.partial);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  };
  useEffect(() => void load(undefined), [subscriberId, version]);

  return html`
    <section class="panel history" aria-labelledby="history-title">
      <h3 id="history-title">${w('history.title')}</h3>
      <${ProblemNote} error=${error} />
      ${items.length === 0 && !error && html`<p class="muted">${w('history.empty')}</p>`}
      <ol class="history-list">
        ${items.map((item, i) => html`<li key=${`${item.at}-${i}`} data-type=${item.type}>${line(item)}</li>`)}
      </ol>
      ${partial && html`<p class="muted">${w('history.partial')}</p>`}
      ${next && html`<button type="button" onClick=${() => void load(next)}>${w('history.older')}</button>`}
    </section>
  `;
}

/** One entry as a line an agent reads at a glance. @param {HistoryItem} item */
function line(item) {
  const when = html`<time datetime=${item.at} class="muted">${formatTime(item.at)}</time>`;
  switch (item.type) {
    case 'contact':
      return html`${when}
        <strong>${w('history.contact')}</strong> ${[item.channel, item.agentId].filter(Boolean).join(' · ')}`;
    case 'action':
      return html`${when} <strong>${kindLabel(item.kind ?? '')}</strong>${' '}
        <span class="badge state-${item.result ?? item.state}">${item.result ?? item.state}</span>
        ${outcomeWords(item)}`;
    case 'dismissal':
      return html`${when} <strong>${w('history.dismissal')}</strong> ${dismissedWords(item)}`;
    default:
      return html`${when} <strong>${w('history.sms')}</strong>
        <span class="badge state-${item.state}">${item.state}</span> ${item.text ?? item.kind}`;
  }
}

/** "device back after 40 s; errors still open — did not help · next: technician visit". @param {HistoryItem} item */
function outcomeWords(item) {
  const parts = [item.deviceId, item.reason];
  if (item.findingCleared === true) parts.push(w('history.cleared'));
  if (item.findingCleared === false) parts.push(w('history.notCleared'));
  if (item.escalation) parts.push(`${w('history.escalation')} ${kindLabel(item.escalation)}`);
  if (item.ticketId) parts.push(item.ticketId);
  return parts.filter(Boolean).join(' · ');
}

/** The suggestion's kind and the reason's words (a code the console knows, else the agent's own). @param {HistoryItem} item */
function dismissedWords(item) {
  const reason = item.reason ? t(`sug.reason.${item.reason}`) : '';
  const said = reason.startsWith('sug.reason.') ? (item.reason ?? '') : reason;
  return [kindLabel(item.kind ?? ''), said].filter(Boolean).join(' · ');
}
