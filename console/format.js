import { language } from './i18n.js';

/** @param {string | number | undefined | null} value ISO 8601 or epoch milliseconds */
export function formatTime(value) {
  if (value === undefined || value === null || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(language() === 'ru' ? 'ru-RU' : 'en-GB', {
    // The year only when it is not this one (an ETA next January, a report's range).
    ...(date.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' }),
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/**
 * Milliseconds since the epoch of a time the API sent (ISO 8601, or epoch milliseconds from an older
 * server), for sorting and arithmetic; 0 when there is none.
 * @param {string | number | undefined | null} value
 */
export function timeMs(value) {
  if (value === undefined || value === null || value === '') return 0;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms;
}

/** "41 d 3 h", "5 h 12 min", "42 s". @param {number | undefined | null} seconds */
export function formatDuration(seconds) {
  if (seconds === undefined || seconds === null) return '—';
  const ru = language() === 'ru';
  const [d, h, min, s] = ru ? ['д', 'ч', 'мин', 'с'] : ['d', 'h', 'min', 's'];
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days > 0) return `${days} ${d} ${hours} ${h}`;
  if (hours > 0) return `${hours} ${h} ${minutes} ${min}`;
  if (minutes > 0) return `${minutes} ${min}`;
  return `${Math.round(seconds)} ${s}`;
}

/** @param {number | null | undefined} value */
export function formatNumber(value, maximumFractionDigits = 1) {
  if (value === undefined || value === null) return '—';
  return new Intl.NumberFormat(language() === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits }).format(
    value,
  );
}

/** @param {number | null | undefined} ratio 0..1 */
export function formatPercent(ratio) {
  if (ratio === undefined || ratio === null) return '—';
  return `${formatNumber(ratio * 100, 0)}%`;
}

/**
 * An ISO time for <input type="datetime-local"> (local time, minutes) and back.
 * @param {string | undefined} iso
 */
export function toLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** @param {string} local a datetime-local value */
export function fromLocalInput(local) {
  return local === '' ? null : new Date(local).toISOString();
}
