/* global document, window, sessionStorage, location */
import { html, render, useEffect, useMemo, useState } from './vendor/htm-preact.js';
import { ApiError, createApi, roleOfKey } from './api.js';
import { AgentView } from './agent-view.js';
import { language, setLanguage, t } from './i18n.js';
import { NocView } from './noc-view.js';
import { ProblemNote } from './problem-note.js';
import { homeOf, viewsFor } from './role-views.js';

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
 * The console: asks for an API key once per tab, learns its role from the API, then shows the views
 * that role may use (role-views.js) and no other. Alt+1 / Alt+2 switch between those views and Alt+L
 * the language, from anywhere.
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
        if (hashPath().length === 0) location.hash = homeOf(found);
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

  const views = role ? viewsFor(role) : [];
  useEffect(() => {
    const onKey = (/** @type {KeyboardEvent} */ e) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const target = views.find((v) => v.shortcut === e.code);
      if (target) location.hash = target.href;
      else if (e.code === 'KeyL') switchLanguage(language() === 'en' ? 'ru' : 'en');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [role]);

  // A bookmark or a typed hash to a view the role may not use lands on the role's own view instead.
  const requested = path[0] ?? (role ? homeOf(role).split('/')[1] : undefined);
  const allowed = role !== null && views.some((v) => v.name === requested);
  useEffect(() => {
    if (role && !allowed) location.replace(homeOf(role));
  }, [role, allowed]);

  const signOut = () => {
    sessionStorage.clear();
    setKey(null);
    setRole(null);
    location.hash = '';
  };

  const view = allowed ? requested : undefined;
  const shortcuts = [
    ...views.map((v) => `Alt+${v.shortcut.slice(-1)} ${t(v.label)}`),
    `Alt+L ${t('nav.language')}`,
  ].join(' · ');
  document.title = t('title');
  return html`
    <header class="top">
      <h1>Vigil</h1>
      ${
        views.length > 1 &&
        html`<nav aria-label=${t('title')}>
          ${views.map(
            (v) =>
              html`<a href=${v.href} aria-current=${view === v.name ? 'page' : undefined}>${t(v.label)}</a>`,
          )}
        </nav>`
      }
      <span class="muted shortcuts">${shortcuts}</span>
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
      ${api && view === 'agent' && html`<${AgentView} api=${api} />`}
      ${api && view === 'noc' && html`<${NocView} api=${api} path=${path.slice(1)} />`}
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
