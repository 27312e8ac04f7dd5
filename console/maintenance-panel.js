import { html, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { formatTime, fromLocalInput } from './format.js';
import { t } from './i18n.js';
import { ProblemNote } from './problem-note.js';
import { useLoader } from './use-loader.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./api-types.js').MaintenanceWindow} MaintenanceWindow */
/** @typedef {import('./api-types.js').Page<MaintenanceWindow>} WindowPage */

/**
 * Maintenance windows (current, future, ended last week): add one on a device or a site, delete one
 * (a second click confirms). An outage under a window is "planned works": agents are told, alerts are not sent.
 * @param {{ api: Api }} props
 */
export function MaintenancePanel({ api }) {
  const windows = useLoader(() => api.get('/v1/maintenance'), [api], 15_000);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [confirming, setConfirming] = useState(/** @type {string | null} */ (null));
  const page = /** @type {WindowPage | undefined} */ (windows.data);

  /** @param {() => Promise<unknown>} call */
  const act = async (call) => {
    setError(null);
    try {
      await call();
      windows.reload();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    }
  };
  const remove = (/** @type {MaintenanceWindow} */ w) => {
    if (confirming !== w.id) return setConfirming(w.id);
    setConfirming(null);
    void act(() => api.del(`/v1/maintenance/${seg(w.id)}`));
  };

  return html`
    <section class="panel">
      <h2>${t('noc.maintenance')}</h2>
      <${NewWindow}
        onCreate=${(/** @type {Record<string, string>} */ body) => act(() => api.post('/v1/maintenance', body))}
      />
      <${ProblemNote} error=${error ?? windows.error} />
      ${page?.items.length === 0 && html`<p class="muted">${t('mw.none')}</p>`}
      ${
        page &&
        page.items.length > 0 &&
        html`<table>
          <thead>
            <tr>
              <th>${t('mw.target')}</th>
              <th>${t('mw.starts')}</th>
              <th>${t('mw.ends')}</th>
              <th>${t('mw.note')}</th>
              <th>${t('mw.by')}</th>
              <th><span class="visually-hidden">${t('table.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${page.items.map(
              (w) =>
                html`<tr key=${w.id}>
                  <td>
                    ${
                      w.deviceId
                        ? html`<a href=${`#/noc/devices/${seg(w.deviceId)}`}>${w.deviceId}</a>`
                        : html`${t('mw.site')} ${w.site}`
                    }
                  </td>
                  <td>${formatTime(w.startsAt)}</td>
                  <td>${formatTime(w.endsAt)}</td>
                  <td>${w.note ?? ''}</td>
                  <td class="muted">${w.createdBy ?? ''}</td>
                  <td>
                    <button class=${confirming === w.id ? 'danger' : ''} onClick=${() => remove(w)}>
                      ${confirming === w.id ? t('mw.confirm') : t('mw.delete')}
                    </button>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`
      }
    </section>
  `;
}

/** @param {{ onCreate: (body: Record<string, string>) => Promise<boolean> }} props */
function NewWindow({ onCreate }) {
  const [targetKind, setTargetKind] = useState('deviceId');
  const [target, setTarget] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [note, setNote] = useState('');
  /** @param {(v: string) => void} set */
  const field = (set) => (/** @type {Event} */ e) => set(/** @type {HTMLInputElement} */ (e.target).value);

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    /** @type {Record<string, string>} */
    const body = {
      [targetKind]: target.trim(),
      startsAt: fromLocalInput(startsAt) ?? '',
      endsAt: fromLocalInput(endsAt) ?? '',
    };
    if (note.trim() !== '') body.note = note.trim();
    if (await onCreate(body)) {
      setTarget('');
      setNote('');
    }
  };

  return html`
    <form class="inline" onSubmit=${submit}>
      <label>
        ${t('mw.target')}
        <select value=${targetKind} onChange=${field(setTargetKind)}>
          <option value="deviceId">${t('mw.device')}</option>
          <option value="site">${t('mw.site')}</option>
        </select>
      </label>
      <label>
        Id
        <input required value=${target} onInput=${field(setTarget)} />
      </label>
      <label>
        ${t('mw.starts')}
        <input type="datetime-local" required value=${startsAt} onInput=${field(setStartsAt)} />
      </label>
      <label>
        ${t('mw.ends')}
        <input type="datetime-local" required value=${endsAt} onInput=${field(setEndsAt)} />
      </label>
      <label class="grow">
        ${t('mw.note')}
        <input maxlength="2000" value=${note} onInput=${field(setNote)} />
      </label>
      <button class="primary">${t('mw.create')}</button>
    </form>
  `;
}
