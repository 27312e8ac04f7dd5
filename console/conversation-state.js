/**
 * What the agent sees of one conversation, as a pure function of the snapshot and the events that
 * followed it: no I/O, so the view only renders it.
 * @typedef {import('./api-types.js').Opened} Opened
 * @typedef {import('./api-types.js').Diagnosis} Diagnosis
 * @typedef {import('./api-types.js').Suggestion} Suggestion
 * @typedef {import('./api-types.js').Incident} Incident
 * @typedef {import('./api-types.js').Action} Action
 * @typedef {import('./api-types.js').StreamEvent} StreamEvent
 * @typedef {{ id: string, type: string, at: string, summary: string }} LogLine
 * @typedef {{
 *   opened: Opened,
 *   diagnosis: Diagnosis,
 *   suggestions: Suggestion[],
 *   closed: Suggestion[],
 *   incidents: Incident[],
 *   actions: Record<string, Action>,
 *   log: LogLine[],
 * }} ConversationView
 */

import { timeMs } from './format.js';

/** Events kept in the on-screen log. */
const LOG_LINES = 40;

/** Suggestion states after which it leaves the live list (README "Suggestion states"). */
const CLOSED_STATES = new Set(['succeeded', 'failed', 'dismissed', 'withdrawn', 'expired']);

/** @param {Opened} opened @returns {ConversationView} */
export function initialView(opened) {
  return withDiagnosis(
    { opened, diagnosis: opened.diagnosis, suggestions: [], closed: [], incidents: [], actions: {}, log: [] },
    opened.diagnosis,
  );
}

/** @param {ConversationView} view @param {Diagnosis} diagnosis @returns {ConversationView} */
function withDiagnosis(view, diagnosis) {
  const live = diagnosis.suggestions.filter((s) => !CLOSED_STATES.has(s.state));
  const liveIds = new Set(live.map((s) => s.id));
  return {
    ...view,
    diagnosis,
    suggestions: sortSuggestions(live),
    closed: view.closed.filter((s) => !liveIds.has(s.id)),
    incidents: diagnosis.incidents,
  };
}

/**
 * @param {ConversationView} view
 * @param {StreamEvent} event
 * @returns {ConversationView}
 */
export function applyEvent(view, event) {
  // Events of the stream are logged; the console's own re-reads (id '') are not.
  const logged = event.id === '' ? view : { ...view, log: [logLine(event), ...view.log].slice(0, LOG_LINES) };
  const data = event.data;
  switch (event.type) {
    // A reset (the stream could not resume from the last id) carries the same picture: start from it.
    case 'reset':
    case 'diagnosis':
      return withDiagnosis(logged, /** @type {Diagnosis} */ (/** @type {unknown} */ (data)));
    case 'suggestion.created':
    case 'suggestion.updated':
    case 'suggestion.withdrawn':
      return withSuggestion(logged, /** @type {Suggestion} */ (/** @type {unknown} */ (data)), event.type);
    case 'action.started':
    case 'action.finished': {
      const action = /** @type {Action} */ (/** @type {unknown} */ (data));
      return { ...logged, actions: { ...logged.actions, [action.suggestionId]: action } };
    }
    case 'incident.opened':
    case 'incident.updated':
    case 'incident.resolved': {
      const incident = /** @type {Incident} */ (/** @type {unknown} */ (data));
      const others = logged.incidents.filter((i) => i.id !== incident.id);
      const previous = logged.incidents.find((i) => i.id === incident.id);
      return { ...logged, incidents: [{ ...previous, ...incident }, ...others] };
    }
    default:
      return logged;
  }
}

/**
 * @param {ConversationView} view
 * @param {Suggestion} suggestion
 * @param {string} type
 * @returns {ConversationView}
 */
function withSuggestion(view, suggestion, type) {
  const others = view.suggestions.filter((s) => s.id !== suggestion.id);
  const closedOthers = view.closed.filter((s) => s.id !== suggestion.id);
  if (type === 'suggestion.withdrawn' || CLOSED_STATES.has(suggestion.state)) {
    return { ...view, suggestions: others, closed: [suggestion, ...closedOthers] };
  }
  return { ...view, suggestions: sortSuggestions([...others, suggestion]), closed: closedOthers };
}

/** Most urgent first (priority 1), then oldest. @param {Suggestion[]} list */
function sortSuggestions(list) {
  return [...list].sort((a, b) => a.priority - b.priority || timeMs(a.updatedAt) - timeMs(b.updatedAt));
}

/** @param {StreamEvent} event @returns {LogLine} */
function logLine(event) {
  const data = event.data;
  const at = typeof data.at === 'string' ? data.at : new Date().toISOString();
  return { id: event.id, type: event.type, at, summary: summarize(event) };
}

/** One line an agent can read: the kind and the state, and an action's outcome. @param {StreamEvent} event */
function summarize(event) {
  const data = event.data;
  const str = (/** @type {unknown} */ value) => (typeof value === 'string' ? value : '');
  if (event.type.startsWith('action.')) {
    const outcome = /** @type {{ result?: string, reason?: string } | undefined} */ (data.outcome);
    return [str(data.kind), str(data.state), outcome?.reason ? `— ${outcome.reason}` : '']
      .filter(Boolean)
      .join(' ');
  }
  if (event.type.startsWith('suggestion.')) return `${str(data.kind)} ${str(data.state)}`;
  if (event.type.startsWith('incident.')) return `${str(data.id)} ${str(data.state)}`;
  if (event.type === 'diagnosis' || event.type === 'reset') {
    const suggestions = Array.isArray(data.suggestions) ? data.suggestions.length : 0;
    return `${suggestions} suggestion(s)`;
  }
  return '';
}

/**
 * A suggestion's text in `language`: the stream gives both, a snapshot the conversation's.
 * @param {Suggestion} suggestion
 * @param {'en' | 'ru'} language
 */
export function suggestionText(suggestion, language) {
  const text = suggestion.text;
  if (typeof text === 'string') return text;
  return text[language] ?? text.en ?? text.ru ?? '';
}
