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

export function appendRecent(window: readonly RecentPoint[] | undefined, point: RecentPoint): RecentPoint[] {
  return [...(window ?? []), point].slice(-RECENT_POINTS);
}

const OUTCOMES = Object.keys(OUTCOME_CODES) as (keyof typeof OUTCOME_CODES)[];

export function viewRecent(window: readonly RecentPoint[] | undefined): RecentSampleView[] {
  return (window ?? []).map(([at, outcome, uptime, cpu, memory, temperature, signal, errors]) => ({
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
