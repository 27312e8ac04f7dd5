/** Local minutes after midnight [start, end) when no SMS goes out; start > end wraps midnight (21:00-09:00). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** "21:00-09:00" → the window; "" or "off" → none; undefined for anything else. */
export function parseQuietHours(text: string): QuietHours | null | undefined {
  if (text === '' || text === 'off') return null;
  const match = HHMM.exec(text);
  if (!match) return undefined;
  const [, h1, m1, h2, m2] = match.map(Number) as [number, number, number, number, number];
  const window = { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
  return window.startMinute === window.endMinute ? undefined : window;
}

/** The wall-clock minute of the day and second of the minute at `at` in `timeZone`. */
function localClock(at: number, timeZone: string): { minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const field = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minute: field('hour') * 60 + field('minute'), second: field('second') };
}

const inWindow = (minute: number, q: QuietHours): boolean =>
  q.startMinute < q.endMinute
    ? minute >= q.startMinute && minute < q.endMinute
    : minute >= q.startMinute || minute < q.endMinute;

/**
 * When an SMS queued at `now` may go out: now, or the end of the quiet hours in the subscriber's site
 * time zone. Counted in wall-clock minutes, so a DST change inside the night shifts it by that hour.
 */
export function quietHoursEnd(now: number, timeZone: string, quiet: QuietHours | null): number {
  if (!quiet) return now;
  const { minute, second } = localClock(now, timeZone);
  if (!inWindow(minute, quiet)) return now;
  const minutesLeft = (quiet.endMinute - minute + 1440) % 1440;
  return now - (now % 1000) - second * 1000 + minutesLeft * 60_000;
}
