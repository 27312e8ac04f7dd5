import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { countByFinding } from './poll-index-counts.js';
import { parseSeriesField } from './parse-series-field.js';

/** How long a minute's sample is kept: the overview draws the last hour, and one more covers a late reader. */
export const MINUTE_SAMPLE_TTL_SECONDS = 2 * 60 * 60;
/** Minutes the overview draws. */
export const OVERVIEW_MINUTES = 60;

/** The counters a minute's sample copies: what the overview draws (the rest stay in /metrics only). */
const SAMPLED_COUNTERS = [
  'vigil_polls_total',
  'vigil_findings_opened_total',
  'vigil_suggestions_total',
  'vigil_actions_total',
  'vigil_webhook_deliveries_total',
];
/** Gauge fields a sample adds, read at the moment it is taken. */
const OPEN_FINDINGS = 'gauge:findings_open';
const SAMPLED_AT = 'at';

export const minuteOf = (ms: number): number => Math.floor(ms / 60_000);

/**
 * Takes this minute's sample unless some process already has: the sampled counters as they stand, the
 * open findings, and when. Every process of a role that does the work runs it every few seconds
 * (minute-series-role.ts); HSETNX on `at` elects the first of the minute, the others skip. Answers
 * whether this call wrote the sample.
 */
export async function sampleMinute(redis: Redis, keys: RedisKeys, now = Date.now()): Promise<boolean> {
  const key = keys.metricMinute(minuteOf(now));
  if ((await redis.hsetnx(key, SAMPLED_AT, String(now))) === 0) return false;
  const [counters, openByKind] = await Promise.all([
    redis.hgetall(keys.metricCounters()),
    countByFinding(redis, keys),
  ]);
  const fields: Record<string, string> = {
    [OPEN_FINDINGS]: String(openByKind.reduce((sum, n) => sum + Number(n), 0)),
  };
  for (const [field, value] of Object.entries(counters))
    if (SAMPLED_COUNTERS.includes(parseSeriesField(field)?.metricName ?? '')) fields[field] = value;
  await redis.pipeline().hset(key, fields).expire(key, MINUTE_SAMPLE_TTL_SECONDS).exec();
  return true;
}

/** A count within one minute; null when the minute or the next was not sampled (no process ran). */
type Count = number | null;

/** One minute of the overview's time series: counts within the minute, the gauge at its sample. */
export interface MinutePoint {
  /** The minute's start, ISO 8601. */
  at: string;
  /** Seconds between this minute's sample and the next (about 60; less for the first, taken at start-up). */
  seconds: Count;
  polls: Count;
  pollFailures: Count;
  findingsOpened: Count;
  /** Devices with an open finding when the minute was sampled; null when it was not. */
  findingsOpen: Count;
  suggestionsMade: Count;
  suggestionsAccepted: Count;
  actionsSucceeded: Count;
  actionsFailed: Count;
  alertsDelivered: Count;
  alertsRetried: Count;
  alertsDead: Count;
}

type Sample = Record<string, string>;

/** Poll outcomes that got an answer; every other outcome is a failure. */
const ANSWERED = new Set(['ok', 'partial']);

/** Sums a sample's fields of one series whose labels pass `match`. */
function total(sample: Sample, name: string, match: (labels: Record<string, string>) => boolean): number {
  let sum = 0;
  for (const [field, value] of Object.entries(sample)) {
    const parsed = parseSeriesField(field);
    if (parsed?.metricName === name && match(parsed.labels)) sum += Number(value);
  }
  return sum;
}

const any = (): boolean => true;

/**
 * The counts of one minute: the next sample's counters less this one's (never below 0: a counters
 * reset). Without both samples there is no count: null, not 0, so a chart shows a gap, not a quiet minute.
 */
export function minutePoint(minute: number, sample: Sample, next: Sample | undefined): MinutePoint {
  const sampled = sample[SAMPLED_AT] !== undefined && next?.[SAMPLED_AT] !== undefined;
  const delta = (name: string, match: (labels: Record<string, string>) => boolean = any): Count =>
    sampled && next ? Math.max(0, total(next, name, match) - total(sample, name, match)) : null;
  const open = sample[OPEN_FINDINGS];
  return {
    at: new Date(minute * 60_000).toISOString(),
    seconds: sampled && next ? (Number(next[SAMPLED_AT]) - Number(sample[SAMPLED_AT])) / 1000 : null,
    polls: delta('vigil_polls_total'),
    pollFailures: delta('vigil_polls_total', (l) => !ANSWERED.has(l.outcome ?? '')),
    findingsOpened: delta('vigil_findings_opened_total'),
    findingsOpen: open === undefined ? null : Number(open),
    suggestionsMade: delta('vigil_suggestions_total', (l) => l.state === 'proposed'),
    suggestionsAccepted: delta('vigil_suggestions_total', (l) => l.state === 'accepted'),
    actionsSucceeded: delta('vigil_actions_total', (l) => l.result === 'succeeded'),
    actionsFailed: delta('vigil_actions_total', (l) => l.result === 'failed'),
    alertsDelivered: delta('vigil_webhook_deliveries_total', (l) => l.result === 'delivered'),
    alertsRetried: delta('vigil_webhook_deliveries_total', (l) => l.result === 'retried'),
    alertsDead: delta('vigil_webhook_deliveries_total', (l) => l.result === 'dead'),
  };
}

/**
 * The last OVERVIEW_MINUTES complete minutes, oldest first: each minute's counts are the difference
 * between its sample and the next one's, so a minute counts once the following minute is sampled.
 * A minute without a sample (no process ran, or before the service started) has null counts.
 */
export async function readMinuteSeries(
  redis: Redis,
  keys: RedisKeys,
  now = Date.now(),
): Promise<MinutePoint[]> {
  const current = minuteOf(now);
  const first = current - OVERVIEW_MINUTES;
  const read = redis.pipeline();
  for (let minute = first; minute <= current; minute++) read.hgetall(keys.metricMinute(minute));
  const samples = ((await read.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value as Sample;
  });
  return samples.slice(0, -1).map((sample, i) => minutePoint(first + i, sample, samples[i + 1]));
}
