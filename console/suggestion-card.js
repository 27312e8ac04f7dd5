import { html, useState } from './vendor/htm-preact.js';
import { suggestionText } from './conversation-state.js';
import { formatTime } from './format.js';
import { kindLabel, language, t } from './i18n.js';

/** @typedef {import('./api-types.js').Suggestion} Suggestion */
/** @typedef {import('./api-types.js').Action} Action */

/**
 * Dismissal reasons as the effectiveness report counts them (GET /v1/reports/effectiveness,
 * dismissReasons): one code per reason, whatever the console's language, so "declined" in English and
 * in Russian add up to one row. The first is preselected: the commonest reason, one click away.
 * `other` asks for the agent's own words, which the report then counts as they are.
 */
export const DISMISS_REASONS = ['subscriber_declined', 'already_done', 'not_the_problem', 'other'];

/**
 * One suggestion: what to do and why, its state, and for a proposed one Accept and Dismiss (with a
 * reason: the effectiveness report counts them). An accepted one shows its action as it runs.
 * @param {{
 *   suggestion: Suggestion,
 *   action?: Action,
 *   onAccept?: (suggestion: Suggestion) => Promise<void>,
 *   onDismiss?: (suggestion: Suggestion, reason: string) => Promise<void>,
 * }} props
 */
export function SuggestionCard({ suggestion, action, onAccept, onDismiss }) {
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState(DISMISS_REASONS[0] ?? 'other');
  const [own, setOwn] = useState('');
  const [busy, setBusy] = useState(false);
  const proposed = suggestion.state === 'proposed' && onAccept !== undefined && onDismiss !== undefined;

  /** @param {() => Promise<void>} work */
  const run = async (work) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  /** @param {SubmitEvent} event */
  const submitDismissal = (event) => {
    event.preventDefault();
    const given = reason === 'other' ? own.trim() : reason;
    if (given === '' || !onDismiss) return;
    void run(() => onDismiss(suggestion, given)).then(() => setDismissing(false));
  };

  return html`
    <article class="card suggestion" data-kind=${suggestion.kind} data-state=${suggestion.state}>
      <header>
        <strong>${kindLabel(suggestion.kind)}</strong>
        <span class="badge state-${suggestion.state}">${suggestion.state}</span>
        <span class="muted">${t('sug.priority')} ${suggestion.priority} · ${suggestion.deviceId}</span>
      </header>
      <p class="suggestion-text">${suggestionText(suggestion, language())}</p>
      ${
        suggestion.evidence.length > 0 &&
        html`<ul class="evidence" aria-label=${t('sug.evidence')}>
          ${suggestion.evidence.map((e) => html`<li>${e.summary}</li>`)}
        </ul>`
      }
      ${action && html`<${ActionProgress} action=${action} />`}
      ${
        proposed &&
        !dismissing &&
        html`<div class="buttons">
          <button
            class="primary"
            disabled=${busy}
            onClick=${() => void run(() => (onAccept ? onAccept(suggestion) : Promise.resolve()))}
          >
            ${t('sug.accept')}
          </button>
          <button disabled=${busy} onClick=${() => setDismissing(true)}>${t('sug.dismiss')}</button>
        </div>`
      }
      ${
        proposed &&
        dismissing &&
        html`<form
          class="dismiss"
          onSubmit=${submitDismissal}
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => e.key === 'Escape' && setDismissing(false)}
        >
          <label>
            ${t('sug.reason')}
            <select
              name="reason"
              value=${reason}
              autofocus
              onChange=${(/** @type {Event} */ e) => setReason(/** @type {HTMLSelectElement} */ (e.target).value)}
            >
              ${DISMISS_REASONS.map((code) => html`<option value=${code}>${t(`sug.reason.${code}`)}</option>`)}
            </select>
          </label>
          ${
            reason === 'other' &&
            html`<label>
              ${t('sug.reason.own')}
              <input
                name="own-reason"
                required
                maxlength="500"
                value=${own}
                autofocus
                onInput=${(/** @type {InputEvent} */ e) => setOwn(/** @type {HTMLInputElement} */ (e.target).value)}
              />
            </label>`
          }
          <button class="primary" disabled=${busy}>${t('sug.confirmDismiss')}</button>
          <button type="button" onClick=${() => setDismissing(false)}>${t('sug.cancel')}</button>
        </form>`
      }
    </article>
  `;
}

/** An action's progress: queued, running since …, or its outcome with the reason. @param {{ action: Action }} props */
function ActionProgress({ action }) {
  const finished = action.outcome !== undefined;
  const label = finished
    ? t('action.finished')
    : action.state === 'queued'
      ? t('action.queued')
      : t('action.started');
  return html`
    <p class="action" role="status" data-state=${action.state}>
      <span class=${finished ? '' : 'spinner'} aria-hidden="true"></span>
      <strong>${label}</strong>
      <span class="badge state-${action.state}">${action.state}</span>
      ${action.outcome?.reason && html`<span>${action.outcome.reason}</span>`}
      ${action.outcome?.ticketId && html`<span class="muted">ticket ${action.outcome.ticketId}</span>`}
      <span class="muted">${formatTime(action.finishedAt ?? action.startedAt)}</span>
    </p>
  `;
}
