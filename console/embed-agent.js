/* global document, window, location, history */
import { html, render, useEffect, useMemo, useRef, useState } from './vendor/htm-preact.js';
import { ApiError, createApi, seg } from './api.js';
import { EmbedConversation } from './embed-conversation.js';
import { allowedOrigins, hostOrigin, lookupOf, readHostMessage } from './embed-protocol.js';
import { w } from './history-words.js';
import { language, setLanguage } from './i18n.js';
import { ProblemNote } from './problem-note.js';

/** @typedef {import('./api-types.js').Opened} Opened */
/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./embed-protocol.js').OpenMessage} OpenMessage */
/** @typedef {import('./embed-protocol.js').HostMessage} HostMessage */

const ORIGINS = allowedOrigins(
  document.querySelector('meta[name="vigil-embed-origins"]')?.getAttribute('content') ?? '',
);
const QUERY = new URLSearchParams(location.search);
const FRAMED = window.parent !== window;
const HOST = FRAMED
  ? hostOrigin(Array.from(location.ancestorOrigins ?? []), document.referrer, ORIGINS)
  : undefined;

/**
 * The host's messages, listened for from the moment the module runs (before the iframe's load event), so
 * a desktop that sends `vigil:open` on load rather than on `vigil:ready` is not lost: until the panel is
 * rendered, the latest one waits here.
 */
const hostMessages = (() => {
  /** @type {((message: HostMessage) => void) | undefined} */
  let handler;
  /** @type {HostMessage | null} */
  let waiting = null;
  window.addEventListener('message', (event) => {
    const message = readHostMessage(event, ORIGINS, window.parent);
    if (!message) return;
    if (handler) handler(message);
    else waiting = message;
  });
  return {
    /** Hands messages to `next` from now on; returns the one that waited, if any. @param {((message: HostMessage) => void) | undefined} next */
    take(next) {
      handler = next;
      const early = waiting;
      waiting = null;
      return early;
    },
  };
})();

/**
 * Tells the host page what happened, only at its own origin (never '*'): the panel's messages name the
 * conversation and the subscriber's suggestions. Not framed, or framed by a page not allowed: nobody.
 * @param {string} type
 * @param {Record<string, unknown>} [detail]
 */
function tell(type, detail = {}) {
  if (FRAMED && HOST) window.parent.postMessage({ type, ...detail }, HOST);
}

/**
 * A token in the fragment (`#token=vet_…`) for hosts that cannot postMessage: read once and wiped from the
 * address, so it is in no history entry; the fragment never reaches a server or a log.
 * @returns {OpenMessage | null}
 */
function fragmentOpen() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) return null;
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return { type: 'vigil:open', token };
}

/** The panel: waits for the host's `vigil:open`, opens the subscriber's conversation, follows it. */
function EmbedApp() {
  const [open, setOpen] = useState(/** @returns {OpenMessage | null} */ () => fragmentOpen());
  const [opened, setOpened] = useState(/** @type {Opened | null} */ (null));
  const [phase, setPhase] = useState(open ? 'opening' : 'waiting');
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const lang =
    open?.language ?? (QUERY.get('lang') === 'ru' ? 'ru' : QUERY.get('lang') === 'en' ? 'en' : language());
  const api = useMemo(() => (open ? createApi(open.token, lang) : null), [open, lang]);
  const current = useRef(
    /** @type {{ api: Api | null, opened: Opened | null }} */ ({ api: null, opened: null }),
  ).current;

  useEffect(() => {
    if (lang !== language()) setLanguage(lang);
  }, [lang]);

  useEffect(() => {
    /** @param {HostMessage} message */
    const handle = (message) => {
      if (message.type === 'vigil:open') {
        setOpened(null);
        setOpen(message);
        setPhase('opening');
      } else void close();
    };
    const early = hostMessages.take(handle);
    if (early) handle(early);
    tell('vigil:ready', { version: 1 });
    return () => hostMessages.take(undefined);
  }, []);

  useEffect(() => {
    if (!open || !api) return;
    openConversation(api, open).then(
      (found) => {
        setOpened(found);
        setPhase('open');
        setError(null);
        tell('vigil:opened', {
          conversationId: found.conversation.id,
          subscriberId: found.conversation.subscriberId,
        });
      },
      (/** @type {unknown} */ caught) => fail(caught),
    );
  }, [open, api]);

  /** @param {unknown} caught */
  const fail = (caught) => {
    setError(caught);
    setPhase('error');
    const problem = caught instanceof ApiError ? caught.problem : undefined;
    tell('vigil:error', {
      status: problem?.status ?? 0,
      code: problem?.code ?? 'ERR_EMBED',
      detail: caught instanceof Error ? caught.message : String(caught),
    });
  };

  // The message listener is set once: it reaches the conversation and key of now through a ref.
  current.api = api;
  current.opened = opened;
  // Told to the host once Vigil has closed it, so the host's next step finds it closed.
  const close = async () => {
    const { api: key, opened: shown } = current;
    setOpened(null);
    setPhase('closed');
    if (!shown) return;
    if (key) await key.del(`/v1/conversations/${seg(shown.conversation.id)}`).catch(() => undefined);
    tell('vigil:closed', { conversationId: shown.conversation.id });
  };

  if (phase === 'open' && opened && api)
    return html`<${EmbedConversation}
      key=${opened.conversation.id}
      api=${api}
      opened=${opened}
      tell=${tell}
      onClose=${() => setPhase('closed')}
    />`;
  return html`
    <section class="panel embed-idle">
      <h1>${w('embed.title')}</h1>
      ${phase !== 'error' && html`<p class="muted" role="status">${w(`embed.${phase}`)}</p>`}
      <${ProblemNote} error=${error} />
    </section>
  `;
}

/**
 * The conversation the token may see: the one it names (read), else one opened for the subscriber the
 * host named (or the page's query names).
 * @param {import('./api.js').Api} api
 * @param {OpenMessage} open
 * @returns {Promise<Opened>}
 */
async function openConversation(api, open) {
  if (open.conversationId) {
    const now = /** @type {Omit<Opened, 'lastEventId' | 'events'>} */ (
      await api.get(`/v1/conversations/${seg(open.conversationId)}`)
    );
    return { ...now, lastEventId: '', events: `/v1/conversations/${seg(open.conversationId)}/events` };
  }
  const lookup = lookupOf(open, QUERY);
  if (!lookup)
    throw new ApiError({
      status: 400,
      code: 'ERR_EMBED',
      detail: 'name the subscriber: phone, subscriber or account',
    });
  const opened = await api.post('/v1/conversations', {
    ...lookup,
    channel: open.channel ?? QUERY.get('channel') ?? 'voice',
    agentId: open.agentId ?? QUERY.get('agent') ?? 'embedded',
    language: language(),
  });
  return /** @type {Opened} */ (opened);
}

const root = document.getElementById('app');
if (root) render(html`<${EmbedApp} />`, root);
