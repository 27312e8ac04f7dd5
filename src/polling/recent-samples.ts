import { FLOAT32_OPTIONS, Packr, roundFloat32 } from 'msgpackr';
import type { PollResult, Rates, SampleValue } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';

/**
 * A short window of recent polls per device, for the NOC device page and the console's small chart:
 * a few numbers each, kept as a fixed-order tuple so 100k devices × 12 points stay small in Redis.
 * [at (ms), outcome code, uptime s, cpu %, memory %, temperature °C, signal dBm, upstream input errors/h]
 */
export type RecentPoint = [
  number,
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
];

export const RECENT_POINTS = 12;
const OUTCOME_CODES = {
  ok: 0,
  partial: 1,
  timeout: 2,
  auth_failed: 3,
  transport_error: 4,
  malformed: 5,
  no_credentials: 6,
} as const;

export interface RecentSampleView {
  at: string;
  outcome: keyof typeof OUTCOME_CODES;
  uptimeSeconds: number | null;
  cpuPercent: number | null;
  memoryPercent: number | null;
  temperatureCelsius: number | null;
  signalDbm: number | null;
  upstreamErrorsPerHour: number | null;
}

/** The counter whose rate on upstream interfaces is the window's errors per hour. */
export const UPSTREAM_ERRORS_COUNTER = 'ifInErrors';

// Compiled once per pattern: the same few probe patterns serve every device, every poll.
const patterns = new Map<string, RegExp>();
const upstream = (pattern: string): RegExp => {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(pattern)));
  return re;
};

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** The point for one poll: what an agent or an engineer looks at first. */
export function recentPoint(probe: Probe, result: PollResult, rates: Rates, at: number): RecentPoint {
  const scalars = result.sample?.scalars ?? {};
  const used = num(scalars.memoryUsed);
  const size = num(scalars.memorySize);
  let errorsPerHour: number | null = null;
  const pattern = probe.upstreamInterfacePattern ? upstream(probe.upstreamInterfacePattern) : undefined;
  const interfaces = pattern ? result.sample?.tables.interfaces : undefined;
  for (const index in interfaces) {
    const row = interfaces[index] as Record<string, SampleValue>;
    const name = `${String(row.ifDescr ?? '')} ${String(row.ifName ?? '')}`;
    const rate = rates[`interfaces.${index}.${UPSTREAM_ERRORS_COUNTER}`];
    if (pattern?.test(name) && typeof rate === 'number') errorsPerHour = (errorsPerHour ?? 0) + rate * 3600;
  }
  return [
    at,
    OUTCOME_CODES[result.outcome],
    num(scalars.sysUpTime),
    num(scalars.cpuLoad),
    used !== null && size ? Math.round((1000 * used) / size) / 10 : null,
    num(scalars.temperature),
    num(scalars.signal),
    errorsPerHour === null ? null : Math.round(errorsPerHour),
  ];
}

/**
 * A device's recent polls as they are stored and carried through a poll: bytes, not points. A poll only
 * appends to its window, so the poll path never decodes one: reading twelve points of eight numbers into
 * arrays and writing them back cost ~2 µs and two dozen arrays a poll once the window is full
 * (microbenchmark of the state codec; docs/performance-history.md). Layout: f64 LE the newest point's time (ms), u8 the point count, then per point, oldest first,
 * u8 its length and a msgpack array [ms since the point before it (0 for a first point), outcome code,
 * uptime, cpu, memory, temperature, signal, errors]. Dropping the oldest point rewrites nothing: times
 * are read back from the newest.
 */
export type RecentWindow = Buffer;

const HEAD = 9;
// Reads a float32 back as the decimal it was written from (writeValue), as the state codec does.
const pointPackr = new Packr({ useRecords: false, useFloat32: FLOAT32_OPTIONS.DECIMAL_FIT });

/** Where each point of the window starts (at its length byte); undefined when the bytes do not hold up. */
function pointStarts(window: Uint8Array): number[] | undefined {
  if (window.length < HEAD) return undefined;
  const count = window[HEAD - 1] as number;
  const starts: number[] = [];
  let pos = HEAD;
  for (let i = 0; i < count; i++) {
    if (pos >= window.length) return undefined;
    starts.push(pos);
    pos += 1 + (window[pos] as number);
  }
  return pos === window.length ? starts : undefined;
}

// A point's msgpack takes at most 73 bytes (an array header, eight numbers of 9): written here first,
// so its length is known before the window is made.
const scratch = Buffer.alloc(1 + 8 * 9);

/** The window with `point` added as its newest, its oldest points dropped past RECENT_POINTS. */
export function appendRecent(window: RecentWindow | undefined, point: RecentPoint): RecentWindow {
  // Broken bytes keep nothing: the window starts afresh.
  const starts = window ? (pointStarts(window) ?? []) : [];
  const kept = starts.slice(Math.max(0, starts.length - (RECENT_POINTS - 1)));
  const keptBytes = window && kept.length > 0 ? window.length - (kept[0] as number) : 0;
  const at = point[0];
  let size = scratch.writeUInt8(0x90 | point.length, 0);
  size = writeValue(scratch, size, window && kept.length > 0 ? at - window.readDoubleLE(0) : 0);
  for (let i = 1; i < point.length; i++) size = writeValue(scratch, size, point[i] as number | null);
  const next = Buffer.allocUnsafe(HEAD + keptBytes + 1 + size);
  next.writeDoubleLE(at, 0);
  next[HEAD - 1] = kept.length + 1;
  if (window && keptBytes > 0) window.copy(next, HEAD, kept[0]);
  next[HEAD + keptBytes] = size;
  scratch.copy(next, HEAD + keptBytes + 1, 0, size);
  return next;
}

const fitsFloat32 = (value: number): boolean =>
  roundFloat32(Math.fround(value)) === value && !Object.is(value, -0);

/**
 * A point's number written as msgpack: an integer in the fewest bytes, a decimal that reads back the
 * same from a float32 (msgpackr's DECIMAL_FIT, as the state codec) in 4, any other number in 8. Written
 * by hand: packing an array per poll made the append dearer than the decoding it spares.
 */
function writeValue(buf: Buffer, pos: number, value: number | null): number {
  if (value === null) return buf.writeUInt8(0xc0, pos);
  if (Number.isInteger(value) && !Object.is(value, -0)) {
    if (value >= 0 && value <= 127) return buf.writeUInt8(value, pos);
    if (value >= -32 && value < 0) return buf.writeInt8(value, pos);
    if (value >= 0 && value <= 255) return buf.writeUInt8(value, buf.writeUInt8(0xcc, pos));
    if (value >= -128 && value <= 127) return buf.writeInt8(value, buf.writeUInt8(0xd0, pos));
    if (value >= 0 && value <= 65_535) return buf.writeUInt16BE(value, buf.writeUInt8(0xcd, pos));
    if (value >= -32_768 && value <= 32_767) return buf.writeInt16BE(value, buf.writeUInt8(0xd1, pos));
    if (value >= 0 && value <= 4_294_967_295) return buf.writeUInt32BE(value, buf.writeUInt8(0xce, pos));
    if (value >= -2_147_483_648 && value <= 2_147_483_647)
      return buf.writeInt32BE(value, buf.writeUInt8(0xd2, pos));
  } else if (fitsFloat32(value)) return buf.writeFloatBE(value, buf.writeUInt8(0xca, pos));
  return buf.writeDoubleBE(value, buf.writeUInt8(0xcb, pos));
}

/** A window of these points, oldest first (a state stored before windows were bytes). */
export function windowOf(points: readonly RecentPoint[]): RecentWindow | undefined {
  let window: RecentWindow | undefined;
  for (const point of points) window = appendRecent(window, point);
  return window;
}

/** The window's points, oldest first, each with its time; none when the bytes do not hold up. */
export function recentPoints(window: Uint8Array | undefined): RecentPoint[] {
  const starts = window ? pointStarts(window) : undefined;
  if (!window || !starts) return [];
  const bytes = Buffer.from(window.buffer, window.byteOffset, window.byteLength);
  const points: RecentPoint[] = [];
  try {
    for (const start of starts) {
      const point: unknown = pointPackr.unpack(
        bytes.subarray(start + 1, start + 1 + (bytes[start] as number)),
      );
      if (!Array.isArray(point) || point.length !== 8) return [];
      points.push(point as RecentPoint);
    }
  } catch {
    return [];
  }
  // Each point holds the time since the one before: the times are read back from the newest's.
  let at = bytes.readDoubleLE(0);
  for (let i = points.length - 1; i >= 0; i--) {
    const point = points[i] as RecentPoint;
    const since = point[0];
    point[0] = at;
    at -= since;
  }
  return points;
}

const OUTCOMES = Object.keys(OUTCOME_CODES) as (keyof typeof OUTCOME_CODES)[];

export function viewRecent(window: RecentWindow | undefined): RecentSampleView[] {
  return recentPoints(window).map(([at, outcome, uptime, cpu, memory, temperature, signal, errors]) => ({
    at: new Date(at).toISOString(),
    outcome: OUTCOMES[outcome] ?? 'ok',
    uptimeSeconds: uptime,
    cpuPercent: cpu,
    memoryPercent: memory,
    temperatureCelsius: temperature,
    signalDbm: signal,
    upstreamErrorsPerHour: errors,
  }));
}
