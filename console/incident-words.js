import { formatTime } from './format.js';
import { t } from './i18n.js';

/** @typedef {import('./api-types.js').Incident} Incident */

/**
 * An incident's ETA as NOC and agents should read it: ahead while the incident lasts ("ETA 12:30"),
 * in the past once it is over ("was expected 12:30"), so a resolved outage never reads as still open.
 * Empty when there is no ETA.
 * @param {Incident} incident
 */
export function etaWords(incident) {
  if (!incident.eta) return '';
  const at = formatTime(incident.eta);
  return incident.state === 'resolved' ? `${t('inc.wasExpected')} ${at}` : `${t('inc.eta')} ${at}`;
}

/** "resolved at 02 Dec, 14:05", or empty while the incident lasts. @param {Incident} incident */
export function resolvedWords(incident) {
  return incident.state === 'resolved' && incident.resolvedAt !== undefined
    ? `${t('inc.resolvedAt')} ${formatTime(incident.resolvedAt)}`
    : '';
}

/**
 * The NOC's note, marked as its words (it is quoted as typed, in whatever language NOC wrote it: the
 * notices quote it the same way), and in the past once the incident is over.
 * @param {Incident} incident
 */
export function noteWords(incident) {
  if (!incident.note) return '';
  return `${t(incident.state === 'resolved' ? 'inc.noteWas' : 'inc.noteIs')} “${incident.note}”`;
}
