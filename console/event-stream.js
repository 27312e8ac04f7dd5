/* global fetch, TextDecoder, AbortController, setTimeout */
/** @typedef {import('./api-types.js').StreamEvent} StreamEvent */

/**
 * A parser of the text/event-stream format (WHATWG HTML, "Server-sent events" §9.2.6): lines end in
 * CR, LF or CRLF; a blank line dispatches; `data` lines join with LF; `:` lines are comments
 * (heartbeats); an event without data is not dispatched. Fed text as it arrives, in any chunks.
 * @param {(event: { id: string, type: string, data: string }) => void} dispatch
 * @returns {(chunk: string) => void}
 */
export function createSseParser(dispatch) {
  let buffer = '';
  let lastEventId = '';
  let type = '';
  /** @type {string[]} */
  let data = [];
  return (chunk) => {
    buffer += chunk;
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      // A lone CR at the end may be the first half of CRLF: wait for the next chunk.
      if (end < 0 || (buffer[end] === '\r' && end === buffer.length - 1)) return;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (data.length > 0) dispatch({ id: lastEventId, type: type || 'message', data: data.join('\n') });
        type = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') type = value;
      else if (field === 'id' && !value.includes('\0')) lastEventId = value;
    }
  };
}

/**
 * Follows a conversation's server-sent events with fetch, because EventSource (and a browser's
 * WebSocket) cannot send the Authorization header. Reconnects after a drop with the last event id it
 * saw (Last-Event-ID), so the API replays what was missed; stops for good on 401/403/404/409 (key
 * refused, conversation gone or closed) and when `stop()` is called.
 * @param {{
 *   url: string,
 *   key: string,
 *   lastEventId?: string,
 *   onEvent: (event: StreamEvent) => void,
 *   onStatus: (status: 'connecting' | 'live' | 'retrying' | 'ended', detail?: string) => void,
 *   retryMs?: number,
 * }} options
 * @returns {() => void} stop
 */
export function followEvents(options) {
  const controller = new AbortController();
  const { signal } = controller;
  let lastEventId = options.lastEventId;
  const retryMs = options.retryMs ?? 2_000;

  /** @param {{ id: string, type: string, data: string }} raw */
  const dispatch = (raw) => {
    lastEventId = raw.id || lastEventId;
    /** @type {unknown} */
    const data = JSON.parse(raw.data);
    options.onEvent({ id: raw.id, type: raw.type, data: /** @type {Record<string, unknown>} */ (data) });
  };

  async function once() {
    // A new parser per connection: half an event left by a dropped one is replayed whole.
    const parse = createSseParser(dispatch);
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${options.key}`, accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await fetch(options.url, { headers, signal, cache: 'no-store' });
    if ([401, 403, 404, 409].includes(response.status)) return `HTTP ${response.status}`;
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    options.onStatus('live');
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      parse(decoder.decode(value, { stream: true }));
    }
  }

  void (async () => {
    options.onStatus('connecting');
    while (!signal.aborted) {
      try {
        const final = await once();
        if (final !== undefined) {
          options.onStatus('ended', final);
          return;
        }
      } catch (error) {
        if (signal.aborted) return;
        options.onStatus('retrying', error instanceof Error ? error.message : String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      if (!signal.aborted) options.onStatus('connecting');
    }
  })();

  return () => controller.abort();
}
