import { html } from './vendor/htm-preact.js';
import { ApiError } from './api.js';
import { t } from './i18n.js';

/**
 * An error as the user should read it: the API's problem detail and its stable code, or "the service
 * does not answer" for a failed fetch. Nothing for no error.
 * @param {{ error: unknown }} props
 */
export function ProblemNote({ error }) {
  if (error === null || error === undefined) return null;
  if (error instanceof ApiError) {
    const { problem } = error;
    return html`<div class="problem" role="alert">
      ${problem.detail ?? problem.title ?? `HTTP ${problem.status}`} <code>${problem.code}</code>
      ${
        problem.errors &&
        html`<ul>
          ${problem.errors.map((e) => html`<li><code>${e.path}</code> ${e.message}</li>`)}
        </ul>`
      }
    </div>`;
  }
  return html`<p class="problem" role="alert">
    ${t('error.network')} ${error instanceof Error ? error.message : ''}
  </p>`;
}
