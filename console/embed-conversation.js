import { html, useEffect, useReducer, useRef, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { Equipment, IncidentList } from './agent-view.js';
import { applyEvent, initialView } from './conversation-state.js';
import { followEvents } from './event-stream.js';
import { t } from './i18n.js';
import { ProblemNote } from './problem-note.js';
import { SubscriberHistory } from './subscriber-history.js';
import { SuggestionCard } from './suggestion-card.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./api-types.js').Opened} Opened */
/** @typedef {import('./api-types.js').Suggestion} Suggestion */
/** @typedef {import('./api-types.js').Action} Action */
/** @typedef {(type: string, detail?: Record<string, unknown>) => void} Tell */

/**
 * The agent view's conversation, cut to a side panel: the subscriber, live suggestions with Accept and
 * Dismiss, incidents, equipment and history, in one column; every decision and every action's outcome
 * is also told to the host page (`tell`), so its ticket can log them.
 * @param {{ api: Api, opened: Opened, tell: Tell, onClose: () => void }} props
 */
export function EmbedConversation({ api, opened, tell, onClose }) {
  const [view, dispatch] = useReducer(applyEvent, initialView(opened));
  const [stream, setStream] = useState('connecting');
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [finished, setFinished] = useState(0);
  // A replay after a reconnect brings an action.finished again: the host hears each outcome once.
  const told = useRef(/** @type {Set<string>} */ (new Set()));
  const id = opened.conversation.id;

  useEffect(
    () =>
      followEvents({
        url: `/v1/conversations/${seg(id)}/events`,
        key: api.key,
        ...(opened.lastEventId ? { lastEventId: opened.lastEventId } : {}),
        onEvent: (event) => {
          dispatch(event);
          if (event.type !== 'action.finished') return;
          const action = /** @type {Action} */ (/** @type {unknown} */ (event.data));
          void refresh();
          setFinished((n) => n + 1);
          if (told.current.has(action.id)) return;
          told.current.add(action.id);
          tell('vigil:outcome', {
            conversationId: id,
            actionId: action.id,
            suggestionId: action.suggestionId,
            kind: action.kind,
            result: action.outcome?.result,
            reason: action.outcome?.reason,
          });
        },
        onStatus: (status, detail) => {
          setStream(status);
          if (status !== 'ended') return;
          // 401: the token expired or was revoked (the host may mint one for this conversation and
          // open it again); 409: the conversation closed (idle); 403/404: not this token's to follow.
          const code = Number(/HTTP (\d+)/.exec(detail ?? '')?.[1] ?? 0);
          tell('vigil:error', {
            status: code,
            code: code === 401 ? 'ERR_AUTH_INVALID' : 'ERR_STREAM_ENDED',
            detail: `the conversation's event stream ended (${detail ?? 'no answer'})`,
            conversationId: id,
          });
          onClose();
        },
      }),
    [id],
  );

  const refresh = async () => {
    const now = /** @type {{ diagnosis: Record<string, unknown> | null }} */ (
      await api.get(`/v1/conversations/${seg(id)}`).catch(() => ({ diagnosis: null }))
    );
    if (now.diagnosis) dispatch({ id: '', type: 'diagnosis', data: now.diagnosis });
  };

  const path = (/** @type {Suggestion} */ s) => `/v1/conversations/${seg(id)}/suggestions/${seg(s.id)}`;
  /** @param {Suggestion} s @param {string} type @param {() => Promise<unknown>} call @param {Record<string, unknown>} [extra] */
  const decide = async (s, type, call, extra = {}) => {
    setError(null);
    try {
      const answer = /** @type {{ action?: { id: string } }} */ (await call());
      tell(type, {
        conversationId: id,
        suggestionId: s.id,
        kind: s.kind,
        ...extra,
        ...(answer.action ? { actionId: answer.action.id } : {}),
      });
    } catch (caught) {
      setError(caught);
    }
  };
  const onAccept = (/** @type {Suggestion} */ s) =>
    decide(s, 'vigil:accepted', () => api.post(`${path(s)}/accept`));
  const onDismiss = (/** @type {Suggestion} */ s, /** @type {string} */ reason) =>
    decide(s, 'vigil:dismissed', () => api.post(`${path(s)}/dismiss`, { reason }), { reason });

  const subscriber = view.diagnosis.subscriber;
  return html`
    <section class="embed-conversation">
      <header class="panel embed-head">
        <h1>${subscriber?.name ?? opened.conversation.subscriberId}</h1>
        <p class="muted">
          ${[opened.conversation.subscriberId, subscriber?.account, subscriber?.phone].filter(Boolean).join(' · ')}
        </p>
        <span class="badge stream-${stream}" role="status">${t(`conv.stream.${stream}`)}</span>
      </header>
      <${ProblemNote} error=${error} />
      <section class="panel" aria-live="polite" aria-labelledby="embed-suggestions">
        <h2 id="embed-suggestions">${t('conv.suggestions')}</h2>
        ${view.suggestions.length === 0 && html`<p class="muted">${t('conv.noSuggestions')}</p>`}
        ${view.suggestions.map(
          (s) =>
            html`<${SuggestionCard}
              key=${s.id}
              suggestion=${s}
              action=${view.actions[s.id]}
              onAccept=${onAccept}
              onDismiss=${onDismiss}
            />`,
        )}
        ${view.closed.map((s) => html`<${SuggestionCard} key=${s.id} suggestion=${s} action=${view.actions[s.id]} />`)}
      </section>
      <${IncidentList} view=${view} />
      <${Equipment} view=${view} />
      <${SubscriberHistory} api=${api} subscriberId=${opened.conversation.subscriberId} version=${finished} />
    </section>
  `;
}
