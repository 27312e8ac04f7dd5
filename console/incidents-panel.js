import { html, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { formatTime, fromLocalInput, toLocalInput } from './format.js';
import { t } from './i18n.js';
import { noteWords, resolvedWords } from './incident-words.js';
import { ProblemNote } from './problem-note.js';
import { useLoader } from './use-loader.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./api-types.js').Incident} Incident */
/** @typedef {import('./api-types.js').Page<Incident>} IncidentPage */

/** Incidents follow the advisor's steps; NOC sees a new outage within this plus the outage settle time. */
const REFRESH_MS = 3_000;

/**
 * Pending, open and recently resolved incidents, newest first, with how many devices and subscribers
 * each cuts off; NOC acknowledges one, and sets its ETA and note (every notice quotes the note as the
 * NOC's words, in whatever language it was typed). A resolved one's ETA and note read as past.
 * @param {{ api: Api }} props
 */
export function IncidentsPanel({ api }) {
  const incidents = useLoader(() => api.get('/v1/incidents?state=all&limit=200'), [api], REFRESH_MS);
  const [editing, setEditing] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const page = /** @type {IncidentPage | undefined} */ (incidents.data);

  /** @param {() => Promise<unknown>} call */
  const act = async (call) => {
    setError(null);
    try {
      await call();
      incidents.reload();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    }
  };
  const ack = (/** @type {Incident} */ i) => act(() => api.post(`/v1/incidents/${seg(i.id)}/ack`));
  /** @param {Incident} i @param {{ eta: string | null, note: string | null }} body */
  const save = async (i, body) => {
    if (await act(() => api.patch(`/v1/incidents/${seg(i.id)}`, body))) setEditing(null);
  };

  return html`
    <section class="panel" aria-labelledby="incidents-title">
      <h2 id="incidents-title">${t('noc.incidents')}</h2>
      <p class="muted" role="status">${t('noc.updated')} ${formatTime(incidents.loadedAt)}</p>
      <${ProblemNote} error=${error ?? incidents.error} />
      ${page?.items.length === 0 && html`<p class="muted">${t('inc.none')}</p>`}
      ${
        page &&
        page.items.length > 0 &&
        html`<table class="incidents">
          <thead>
            <tr>
              <th>${t('inc.id')}</th>
              <th>${t('inc.state')}</th>
              <th>${t('inc.cause')}</th>
              <th>${t('inc.opened')}</th>
              <th class="num">${t('inc.devices')}</th>
              <th class="num">${t('inc.subscribers')}</th>
              <th>${t('inc.eta')}</th>
              <th>${t('inc.note')}</th>
              <th><span class="visually-hidden">${t('table.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${page.items.map((i) =>
              editing === i.id
                ? html`<${EditRow}
                    key=${i.id}
                    incident=${i}
                    onSave=${save}
                    onCancel=${() => setEditing(null)}
                  />`
                : html`<${IncidentRow}
                    key=${i.id}
                    incident=${i}
                    onAck=${ack}
                    onEdit=${() => setEditing(i.id)}
                  />`,
            )}
          </tbody>
        </table>`
      }
    </section>
  `;
}

/**
 * @param {{ incident: Incident, onAck: (i: Incident) => Promise<boolean>, onEdit: () => void }} props
 */
function IncidentRow({ incident: i, onAck, onEdit }) {
  const live = i.state !== 'resolved';
  return html`
    <tr data-incident=${i.id} data-state=${i.state}>
      <td>
        <div class="line">
          <strong>${i.kind}</strong>
          <a href=${`#/noc/devices/${seg(i.rootDeviceId)}`}>${i.rootDeviceId}</a>
        </div>
        <div><a href=${`#/noc/incidents/${seg(i.id)}`} data-incident-page>${i.id}</a></div>
      </td>
      <td><span class="badge state-${i.state}">${i.state}</span></td>
      <td>${i.cause}</td>
      <td>
        ${formatTime(i.openedAt)}${i.resolvedAt && html`<div class="muted">→ ${formatTime(i.resolvedAt)}</div>`}
      </td>
      <td class="num" data-count="devices">${i.affectedDeviceIds?.length ?? 0}</td>
      <td class="num" data-count="subscribers">${i.affectedSubscriberIds?.length ?? 0}</td>
      <td data-eta>
        ${live ? (i.eta ? formatTime(i.eta) : '—') : i.eta ? `${t('inc.wasExpected')} ${formatTime(i.eta)}` : '—'}
        ${!live && html`<div class="muted">${resolvedWords(i)}</div>`}
      </td>
      <td data-note class=${live ? '' : 'muted'}>
        ${noteWords(i)}
        ${i.acknowledgedBy && html`<div class="muted">${t('inc.acked')} ${i.acknowledgedBy}</div>`}
      </td>
      <td>
        <div class="buttons">
          ${live && !i.acknowledgedBy && html`<button onClick=${() => void onAck(i)}>${t('inc.ack')}</button>`}
          ${live && html`<button onClick=${onEdit}>${t('inc.edit')}</button>`}
        </div>
      </td>
    </tr>
  `;
}

/**
 * ETA and note, edited in place; an empty field clears it (null), as PATCH /v1/incidents/{id} reads it.
 * @param {{ incident: Incident, onSave: (i: Incident, body: { eta: string | null, note: string | null }) => Promise<void>,
 *   onCancel: () => void }} props
 */
function EditRow({ incident, onSave, onCancel }) {
  const [eta, setEta] = useState(toLocalInput(incident.eta));
  const [note, setNote] = useState(incident.note ?? '');
  /** @param {SubmitEvent} event */
  const submit = (event) => {
    event.preventDefault();
    void onSave(incident, { eta: fromLocalInput(eta), note: note.trim() === '' ? null : note.trim() });
  };
  return html`
    <tr data-incident=${incident.id} class="editing">
      <td colspan="9">
        <form
          class="inline"
          onSubmit=${submit}
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => e.key === 'Escape' && onCancel()}
        >
          <strong>${incident.id}</strong>
          <label>
            ${t('inc.eta')}
            <input
              type="datetime-local"
              value=${eta}
              autofocus
              onInput=${(/** @type {Event} */ e) => setEta(/** @type {HTMLInputElement} */ (e.target).value)}
            />
          </label>
          <label class="grow">
            ${t('inc.note')} <span class="muted">${t('inc.noteHint')}</span>
            <input
              maxlength="2000"
              value=${note}
              onInput=${(/** @type {Event} */ e) => setNote(/** @type {HTMLInputElement} */ (e.target).value)}
            />
          </label>
          <button class="primary">${t('inc.save')}</button>
          <button type="button" onClick=${onCancel}>${t('inc.cancel')}</button>
        </form>
      </td>
    </tr>
  `;
}
