/* global document, window, sessionStorage, location */
import { html, render, useEffect, useMemo, useState } from './vendor/htm-preact.js';
import { ApiError, createApi, roleOfKey } from './api.js';
import { AgentView } from './agent-view.js';
import { language, setLanguage, t } from './i18n.js';
import { NocView } from './noc-view.js';
import { ProblemNote } from './problem-note.js';

/** @typedef {import('./api-types.js').Role} Role */
/** @typedef {import('./api-types.js').Language} Language */

const KEY_ITEM = 'vigil.console.key';

/** The hash path: "#/noc/devices/bs-0001" → ["noc", "devices", "bs-0001"]. */
function hashPath() {
  return location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
}

/**
 * The console: asks for an API key once per tab, learns its role from the API, then shows the agent
 * or the NOC view. Alt+1 / Alt+2 switch views and Alt+L the language, from anywhere.
 */
function App() {
  const [key, setKey] = useState(() => sessionStorage.getItem(KEY_ITEM));
  const [role, setRole] = useState(/** @type {Role | null} */ (null));
  const [lang, setLang] = useState(language());
  const [path, setPath] = useState(hashPath());
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const api = useMemo(() => (key ? createApi(key, lang) : null), [key, lang]);

  useEffect(() => {
    const onHash = () => setPath(hashPath());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!key) return;
    roleOfKey(key).then(
      (found) => {
        setRole(found);
        if (hashPath().length === 0) location.hash = found === 'agent' ? '#/agent' : '#/noc/incidents';
      },
      (/** @type {unknown} */ caught) => {
        sessionStorage.removeItem(KEY_ITEM);
        setKey(null);
        setError(caught);
      },
    );
  }, [key]);

  /** @param {Language} next */
  const switchLanguage = (next) => {
    setLanguage(next);
    setLang(next);
  };

  useEffect(() => {
    const onKey = (/** @type {KeyboardEvent} */ e) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.code === 'Digit1') location.hash = '#/agent';
      else if (e.code === 'Digit2') location.hash = '#/noc/incidents';
      else if (e.code === 'KeyL') switchLanguage(language() === 'en' ? 'ru' : 'en');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const signOut = () => {
    sessionStorage.clear();
    setKey(null);
    setRole(null);
    location.hash = '';
  };

  const view = path[0] ?? (role === 'agent' ? 'agent' : 'noc');
  document.title = t('title');
  return html`
    <header class="top">
      <h1>Vigil</h1>
      ${
        key &&
        html`<nav aria-label=${t('title')}>
          <a href="#/agent" aria-current=${view === 'agent' ? 'page' : undefined}>${t('nav.agent')}</a>
          <a href="#/noc/incidents" aria-current=${view === 'noc' ? 'page' : undefined}>${t('nav.noc')}</a>
        </nav>`
      }
      <span class="muted shortcuts">${t('nav.shortcuts')}</span>
      <div class="lang" role="group" aria-label="Language / Язык">
        ${
          /** @type {Language[]} */ (['en', 'ru']).map(
            (l) =>
              html`<button aria-pressed=${lang === l ? 'true' : 'false'} onClick=${() => switchLanguage(l)}>
                ${l.toUpperCase()}
              </button>`,
          )
        }
      </div>
      ${key && html`<button onClick=${signOut}>${t('nav.signOut')}</button>`}
    </header>
    <main>
      ${!key && html`<${KeyForm} error=${error} onKey=${(/** @type {string} */ k) => setKey(k)} />`}
      ${key && !role && html`<p class="muted">${t('key.checking')}</p>`}
      ${api && role && view === 'agent' && html`<${AgentView} api=${api} />`}
      ${
        api &&
        role &&
        view === 'noc' &&
        (role === 'noc'
          ? html`<${NocView} api=${api} path=${path.slice(1)} />`
          : html`<p class="problem" role="alert">${t('role.forbidden')}</p>`)
      }
    </main>
  `;
}

/** @param {{ error: unknown, onKey: (key: string) => void }} props */
function KeyForm({ error, onKey }) {
  const [value, setValue] = useState('');
  /** @param {SubmitEvent} event */
  const submit = (event) => {
    event.preventDefault();
    const key = value.trim();
    if (key === '') return;
    sessionStorage.setItem(KEY_ITEM, key);
    onKey(key);
  };
  const invalid = error instanceof ApiError && error.problem.status === 401;
  return html`
    <section class="panel narrow">
      <form class="stack" onSubmit=${submit}>
        <label>
          ${t('key.prompt')}
          <input
            name="key"
            type="password"
            autocomplete="off"
            required
            autofocus
            value=${value}
            onInput=${(/** @type {Event} */ e) => setValue(/** @type {HTMLInputElement} */ (e.target).value)}
          />
        </label>
        <p class="muted">${t('key.hint')}</p>
        <button class="primary">${t('key.submit')}</button>
        ${
          invalid
            ? html`<p class="problem" role="alert">${t('key.invalid')}</p>`
            : html`<${ProblemNote} error=${error} />`
        }
      </form>
    </section>
  `;
}

setLanguage(language());
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
