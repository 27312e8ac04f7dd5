import { html, useEffect, useRef, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { count, w } from './incident-page-words.js';
import { ProblemNote } from './problem-note.js';

/** @typedef {import('./api.js').Api} Api */
/**
 * @typedef {{ id: string, name?: string, account?: string, deviceIds: string[], openConversations: number }} AffectedSubscriber
 * @typedef {{ incidentId: string, total: number, items: AffectedSubscriber[], nextCursor?: string }} SubscriberPage
 */

const PAGE = 100;

/**
 * The subscribers an incident cuts off, a page at a time; those in a conversation with an agent now are
 * marked (a badge, and the row's weight), so NOC sees who is already calling.
 * @param {{ api: Api, incidentId: string }} props
 */
export function IncidentSubscribers({ api, incidentId }) {
  const [items, setItems] = useState(/** @type {AffectedSubscriber[]} */ ([]));
  const [total, setTotal] = useState(/** @type {number | null} */ (null));
  const [cursor, setCursor] = useState(/** @type {string | undefined} */ (undefined));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [focusAt, setFocusAt] = useState(-1);
  const focusRef = useRef(/** @type {HTMLTableRowElement | null} */ (null));

  /** @param {string | undefined} after */
  const load = async (after) => {
    setBusy(true);
    setError(null);
    try {
      const query = `limit=${PAGE}${after ? `&cursor=${seg(after)}` : ''}`;
      const page = /** @type {SubscriberPage} */ (
        await api.get(`/v1/incidents/${seg(incidentId)}/subscribers?${query}`)
      );
      const shown = after ? items.length : 0;
      setItems((before) => [...(after ? before : []), ...page.items]);
      setTotal(page.total);
      setCursor(page.nextCursor);
      if (after) setFocusAt(shown);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void load(undefined);
  }, [api, incidentId]);
  useEffect(() => {
    if (focusAt >= 0) focusRef.current?.focus();
  }, [focusAt]);

  return html`
    <section class="panel" aria-labelledby="affected-title">
      <h2 id="affected-title">
        ${w('subscribers')} ${total !== null && html`<span class="count" data-total>${count(total)}</span>`}
      </h2>
      <p class="muted">${w('talkingHint')}</p>
      <${ProblemNote} error=${error} />
      ${
        items.length > 0 &&
        html`<table class="affected">
          <thead>
            <tr>
              <th scope="col">${w('subscriber')}</th>
              <th scope="col">${w('name')}</th>
              <th scope="col">${w('account')}</th>
              <th scope="col">${w('equipment')}</th>
              <th scope="col" class="num">${w('conversations')}</th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (s, i) =>
                html`<tr
                  key=${s.id}
                  data-subscriber=${s.id}
                  class=${s.openConversations > 0 ? 'talking' : ''}
                  tabindex=${i === focusAt ? '-1' : undefined}
                  ref=${i === focusAt ? focusRef : undefined}
                >
                  <td>
                    ${s.id}
                    ${s.openConversations > 0 && html` <span class="badge talking">${w('talking')}</span>`}
                  </td>
                  <td>${s.name ?? '—'}</td>
                  <td>${s.account ?? '—'}</td>
                  <td>${s.deviceIds.map((id) => html`<a href=${`#/noc/devices/${seg(id)}`}>${id}</a> `)}</td>
                  <td class="num">${s.openConversations}</td>
                </tr>`,
            )}
          </tbody>
        </table>`
      }
      ${
        cursor &&
        html`<button data-more="subscribers" disabled=${busy} onClick=${() => void load(cursor)}>
          ${w('more')} (${count(items.length)} ${w('shown')} ${w('of')} ${count(total ?? 0)})
        </button>`
      }
    </section>
  `;
}
