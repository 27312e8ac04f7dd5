/**
 * A Retry-After header in milliseconds from `nowMs`: delay-seconds or an HTTP-date (RFC 9110 section
 * 10.2.3). Anything else, or no header, is undefined: the caller's own backoff decides.
 */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its day and month; without letters Date.parse would read "-5" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}
