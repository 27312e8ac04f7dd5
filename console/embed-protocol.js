/**
 * The postMessage protocol between a contact-centre desktop (the host page) and the embedded agent
 * panel (README "Embedding in a contact-centre desktop"). Pure: what is a host message, where panel
 * messages go. The panel obeys only messages from the window that framed it, sent from an origin of
 * VIGIL_EMBED_ORIGINS, and sends its own only to that origin, so no other page can drive it or read it.
 *
 * Host → panel: `vigil:open` { token, phone | subscriber | account, conversationId?, channel?, agentId?,
 * language? } and `vigil:close`. Panel → host: `vigil:ready`, `vigil:opened`, `vigil:accepted`,
 * `vigil:dismissed`, `vigil:outcome`, `vigil:closed`, `vigil:error`.
 */

/**
 * @typedef {{
 *   type: 'vigil:open',
 *   token: string,
 *   phone?: string,
 *   subscriber?: string,
 *   account?: string,
 *   conversationId?: string,
 *   channel?: string,
 *   agentId?: string,
 *   language?: 'en' | 'ru',
 * }} OpenMessage
 * @typedef {{ type: 'vigil:close' }} CloseMessage
 * @typedef {OpenMessage | CloseMessage} HostMessage
 */

/** What POST /v1/embed-tokens mints: `vet_<id>_<secret>`. */
const TOKEN = /^vet_[A-Za-z0-9-]{16}_[A-Za-z0-9_-]{43}$/;
const TEXT_FIELDS = ['phone', 'subscriber', 'account', 'conversationId', 'channel', 'agentId'];

/** The allowed origins as the server wrote them into the page (space-separated). @param {string} content */
export function allowedOrigins(content) {
  return content.split(/\s+/).filter((origin) => origin !== '');
}

/**
 * The host's message, or null for anything else: another window, an origin not allowed, or a shape
 * the protocol does not know (unknown types are ignored, so a host may speak a newer version).
 * @param {{ origin: string, source: unknown, data: unknown }} event
 * @param {readonly string[]} origins
 * @param {unknown} parent the window that framed the panel
 * @returns {HostMessage | null}
 */
export function readHostMessage(event, origins, parent) {
  if (event.source !== parent || !origins.includes(event.origin)) return null;
  const data = /** @type {Record<string, unknown> | null} */ (
    typeof event.data === 'object' && event.data !== null ? event.data : null
  );
  if (data?.type === 'vigil:close') return { type: 'vigil:close' };
  if (data?.type !== 'vigil:open' || typeof data.token !== 'string' || !TOKEN.test(data.token)) return null;
  /** @type {OpenMessage} */
  const open = { type: 'vigil:open', token: data.token };
  for (const field of TEXT_FIELDS) {
    const value = data[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) return null;
    /** @type {Record<string, string>} */ (/** @type {unknown} */ (open))[field] = value;
  }
  if (data.language === 'en' || data.language === 'ru') open.language = data.language;
  return open;
}

/**
 * How the open names the subscriber, for POST /v1/conversations: the message's, else the page's query
 * (`?phone=`, `?subscriber=`, `?account=`); exactly one, or null.
 * @param {{ phone?: string, subscriber?: string, account?: string }} given
 * @param {URLSearchParams} query
 * @returns {{ phone: string } | { subscriberId: string } | { account: string } | null}
 */
export function lookupOf(given, query) {
  const from =
    given.phone || given.subscriber || given.account
      ? given
      : {
          phone: query.get('phone') ?? undefined,
          subscriber: query.get('subscriber') ?? undefined,
          account: query.get('account') ?? undefined,
        };
  const named = [from.phone, from.subscriber, from.account].filter((v) => v !== undefined && v !== '');
  if (named.length !== 1) return null;
  if (from.phone) return { phone: from.phone };
  if (from.subscriber) return { subscriberId: from.subscriber };
  return { account: /** @type {string} */ (from.account) };
}

/**
 * The framing page's origin, when it is an allowed one: Chromium and Safari list it in
 * `location.ancestorOrigins`; elsewhere the referrer's origin says it (a host page that sends no
 * referrer gets the first allowed origin, and a message to a wrong one is dropped by the browser).
 * @param {readonly string[]} ancestors
 * @param {string} referrer
 * @param {readonly string[]} origins
 * @returns {string | undefined}
 */
export function hostOrigin(ancestors, referrer, origins) {
  const candidates = [ancestors[0], referrer ? originOf(referrer) : undefined];
  return candidates.find((origin) => origin !== undefined && origins.includes(origin)) ?? origins[0];
}

/** @param {string} url */
function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
