/* global sessionStorage */
import { html, useEffect, useReducer, useState } from './vendor/htm-preact.js';
import { seg } from './api.js';
import { applyEvent, initialView } from './conversation-state.js';
import { followEvents } from './event-stream.js';
import { formatDuration, formatTime } from './format.js';
import { language, t } from './i18n.js';
import { etaWords, noteWords, resolvedWords } from './incident-words.js';
import { ProblemNote } from './problem-note.js';
import { SubscriberHistory } from './subscriber-history.js';
import { SuggestionCard } from './suggestion-card.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./api-types.js').Opened} Opened */
/** @typedef {import('./api-types.js').Suggestion} Suggestion */
/** @typedef {import('./conversation-state.js').ConversationView} ConversationView */

const CHANNELS = ['voice', 'chat', 'sms', 'messenger', 'email'];

/**
 * The agent's view: open a conversation for a subscriber, then follow it live. One conversation at a
 * time; it is remembered for the tab, so a reload resumes it (the stream replays what was missed).
 * @param {{ api: Api }} props
 */
export function AgentView({ api }) {
  const [opened, setOpened] = useState(/** @returns {Opened | null} */ () => restore());
  const close = async () => {
    if (opened) await api.del(`/v1/conversations/${seg(opened.conversation.id)}`).catch(() => undefined);
    sessionStorage.removeItem('vigil.console.conversation');
    setOpened(null);
  };
  if (!opened) return html`<${OpenForm} api=${api} onOpened=${(/** @type {Opened} */ o) => setOpened(o)} />`;
  return html`<${ConversationPanel}
    key=${opened.conversation.id}
    api=${api}
    opened=${opened}
    onClose=${close}
  />`;
}

/** @returns {Opened | null} */
function restore() {
  const saved = sessionStorage.getItem('vigil.console.conversation');
  return saved ? /** @type {Opened} */ (JSON.parse(saved)) : null;
}

/** @param {{ api: Api, onOpened: (opened: Opened) => void }} props */
function OpenForm({ api, onOpened }) {
  const [by, setBy] = useState('subscriberId');
  const [value, setValue] = useState('');
  const [channel, setChannel] = useState('chat');
  const [agentId, setAgentId] = useState(() => sessionStorage.getItem('vigil.console.agentId') ?? '');
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      sessionStorage.setItem('vigil.console.agentId', agentId);
      const opened = await api.post('/v1/conversations', {
        [by]: value.trim(),
        channel,
        agentId: agentId.trim(),
        language: language(),
      });
      const typed = /** @type {Opened} */ (opened);
      sessionStorage.setItem('vigil.console.conversation', JSON.stringify(typed));
      onOpened(typed);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  /** @param {(v: string) => void} set */
  const field = (set) => (/** @type {Event} */ e) => set(/** @type {HTMLInputElement} */ (e.target).value);

  return html`
    <section class="panel narrow">
      <h2>${t('open.title')}</h2>
      <form class="stack" onSubmit=${submit}>
        <label>
          ${t('open.by')}
          <select value=${by} onChange=${field(setBy)}>
            ${['subscriberId', 'account', 'phone'].map((k) => html`<option value=${k}>${t(`open.${k}`)}</option>`)}
          </select>
        </label>
        <label>
          ${t('open.value')}
          <input name="subscriber" required autofocus value=${value} onInput=${field(setValue)} />
        </label>
        <label>
          ${t('open.channel')}
          <select value=${channel} onChange=${field(setChannel)}>
            ${CHANNELS.map((c) => html`<option value=${c}>${c}</option>`)}
          </select>
        </label>
        <label>
          ${t('open.agentId')}
          <input name="agentId" required value=${agentId} onInput=${field(setAgentId)} />
        </label>
        <button class="primary" disabled=${busy}>${t('open.submit')}</button>
        <${ProblemNote} error=${error} />
      </form>
    </section>
  `;
}

/** @param {{ api: Api, opened: Opened, onClose: () => Promise<void> }} props */
function ConversationPanel({ api, opened, onClose }) {
  const [view, dispatch] = useReducer(applyEvent, initialView(opened));
  const [stream, setStream] = useState('connecting');
  const [error, setError] = useState(/** @type {unknown} */ (null));
  // Actions finished while open: the history is read again after each ("rebooted now, did not help").
  const [finished, setFinished] = useState(0);
  const id = opened.conversation.id;

  // From the stream position of the snapshot: the fresh probe's diagnosis, pushed while the page was
  // still connecting, is replayed rather than lost; after a reload the replay rebuilds the actions too.
  useEffect(
    () =>
      followEvents({
        url: `/v1/conversations/${seg(id)}/events`,
        key: api.key,
        lastEventId: opened.lastEventId,
        onEvent: (event) => {
          dispatch(event);
          if (event.type !== 'action.finished') return;
          void refresh();
          setFinished((n) => n + 1);
        },
        onStatus: (status) => setStream(status),
      }),
    [id],
  );

  // An action changes the equipment (a reboot resets uptime, clears findings) but the stream carries
  // no new diagnosis for it: read the picture again once it is over. Not logged (id '').
  const refresh = async () => {
    const now = /** @type {{ diagnosis: Record<string, unknown> }} */ (
      await api.get(`/v1/conversations/${seg(id)}`).catch(() => ({ diagnosis: null }))
    );
    if (now.diagnosis) dispatch({ id: '', type: 'diagnosis', data: now.diagnosis });
  };

  const path = (/** @type {Suggestion} */ s) => `/v1/conversations/${seg(id)}/suggestions/${seg(s.id)}`;
  /** @param {() => Promise<unknown>} call */
  const act = async (call) => {
    setError(null);
    try {
      await call();
    } catch (caught) {
      // A 409 (another agent was first, or it was withdrawn meanwhile) says so; the stream shows the rest.
      setError(caught);
    }
  };
  const onAccept = (/** @type {Suggestion} */ s) => act(() => api.post(`${path(s)}/accept`));
  const onDismiss = (/** @type {Suggestion} */ s, /** @type {string} */ reason) =>
    act(() => api.post(`${path(s)}/dismiss`, { reason }));

  const subscriber = view.diagnosis.subscriber;
  return html`
    <section class="conversation">
      <header class="panel conversation-head">
        <div>
          <h2>${subscriber?.name ?? opened.conversation.subscriberId}</h2>
          <p class="muted">
            ${[
              opened.conversation.subscriberId,
              subscriber?.account,
              subscriber?.phone,
              opened.conversation.channel,
              opened.conversation.agentId,
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
        </div>
        <span class="badge stream-${stream}" role="status">${t(`conv.stream.${stream}`)}</span>
        <button onClick=${() => void onClose()}>${t('conv.close')}</button>
      </header>
      <${ProblemNote} error=${error} />
      <div class="columns">
        <div>
          <section class="panel" aria-live="polite">
            <h3>${t('conv.suggestions')}</h3>
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
            ${
              view.closed.length > 0 &&
              html`<h4>${t('conv.closedSuggestions')}</h4>
                ${view.closed.map(
                  (s) => html`<${SuggestionCard} key=${s.id} suggestion=${s} action=${view.actions[s.id]} />`,
                )}`
            }
          </section>
          <${IncidentList} view=${view} />
        </div>
        <div>
          <${Equipment} view=${view} />
          <${SubscriberHistory}
            api=${api}
            subscriberId=${opened.conversation.subscriberId}
            version=${finished}
          />
          <${EventLog} view=${view} />
        </div>
      </div>
    </section>
  `;
}

/** @param {{ view: ConversationView }} props */
export function Equipment({ view }) {
  return html`
    <section class="panel">
      <h3>${t('conv.devices')}</h3>
      ${view.diagnosis.devices.map(
        (d) => html`
          <div class="device">
            <p class="line">
              <strong>${d.device.id}</strong>
              <span class="badge status-${d.state?.status ?? 'unknown'}"
                >${d.state?.status ?? 'unknown'}</span
              >
              <span class="muted">${d.device.model ?? d.device.kind}</span>
            </p>
            <p class="muted">
              ${
                `${t('conv.uptime')} ${formatDuration(d.state?.uptimeSeconds)} · ${t('conv.lastPoll')} ` +
                `${formatTime(d.state?.lastPollAt)} (${d.state?.lastOutcome ?? '—'})`
              }
            </p>
            <h4>${t('conv.findings')}</h4>
            ${d.findings.length === 0 && html`<p class="muted">${t('conv.noFindings')}</p>`}
            <ul class="findings">
              ${d.findings.map(
                (f) =>
                  html`<li class=${f.inhibited ? 'inhibited' : ''}>
                    <span class="badge severity-${f.severity}">${f.severity}</span>
                    <code>${f.kind}</code> ${f.evidence.summary}
                    ${f.inhibited && html`<span class="badge inhibited">${t('conv.inhibited')}</span>`}
                  </li>`,
              )}
            </ul>
          </div>
        `,
      )}
    </section>
  `;
}

/** @param {{ view: ConversationView }} props */
export function IncidentList({ view }) {
  if (view.incidents.length === 0) return null;
  return html`
    <section class="panel">
      <h3>${t('conv.incidents')}</h3>
      <ul>
        ${view.incidents.map(
          (i) =>
            html`<li class="line">
              <strong>${i.id}</strong>
              <span class="badge state-${i.state}">${i.state}</span>
              <span
                >${[i.kind, i.cause, etaWords(i), resolvedWords(i), noteWords(i)].filter(Boolean).join(' · ')}</span
              >
            </li>`,
        )}
      </ul>
    </section>
  `;
}

/** @param {{ view: ConversationView }} props */
function EventLog({ view }) {
  return html`
    <section class="panel">
      <h3>${t('conv.events')}</h3>
      <ol class="log">
        ${view.log.map(
          (line) =>
            html`<li key=${line.id} data-type=${line.type}>
              <span class="muted">${formatTime(line.at)}</span> <code>${line.type}</code> ${line.summary}
            </li>`,
        )}
      </ol>
    </section>
  `;
}
