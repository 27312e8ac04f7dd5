import type { ChainableCommander, Redis } from 'ioredis';
import { countInto, observeInto } from '../platform/fleet-counters.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { PollReport } from './poll-one-device.js';

/** Finding changes go on a capped stream: the next stages (correlation, conversations) read it. */
const EVENTS_MAXLEN = 100_000;

/**
 * A batch's finding changes onto the stream and its counts into the fleet counters, in one write.
 * `polls: false` for what a trap announced: its findings count, but no poll was made.
 */
export async function publishPollReports(
  redis: Redis,
  keys: RedisKeys,
  reports: readonly PollReport[],
  counted: { polls: boolean } = { polls: true },
): Promise<void> {
  const pipeline = redis.pipeline();
  const count = appendFindingChanges(pipeline, keys, reports);
  countPolls(pipeline, keys, reports, counted.polls);
  if (count > 0 || reports.length > 0) await pipeline.exec();
}

function appendFindingChanges(
  pipeline: ChainableCommander,
  keys: RedisKeys,
  reports: readonly PollReport[],
): number {
  let count = 0;
  for (const report of reports) {
    for (const change of report.changes) {
      count += 1;
      pipeline.xadd(
        keys.findingEvents(),
        'MAXLEN',
        '~',
        String(EVENTS_MAXLEN),
        '*',
        'type',
        change.type,
        'deviceId',
        report.deviceId,
        'finding',
        JSON.stringify(change.finding),
      );
    }
  }
  return count;
}

/** The fleet's counters (src/metrics/): outcomes, durations, findings opened. */
function countPolls(
  pipeline: ChainableCommander,
  keys: RedisKeys,
  reports: readonly PollReport[],
  polls: boolean,
): void {
  const outcomes = new Map<string, number>();
  const opened = new Map<string, number>();
  for (const report of reports) {
    outcomes.set(report.result.outcome, (outcomes.get(report.result.outcome) ?? 0) + 1);
    for (const change of report.changes)
      if (change.type === 'opened')
        opened.set(change.finding.kind, (opened.get(change.finding.kind) ?? 0) + 1);
  }
  for (const [kind, n] of opened) countInto(pipeline, keys, 'vigil_findings_opened_total', { kind }, n);
  if (!polls) return;
  for (const [outcome, n] of outcomes) countInto(pipeline, keys, 'vigil_polls_total', { outcome }, n);
  observeInto(
    pipeline,
    keys,
    'vigil_poll_duration_seconds',
    reports.map((r) => r.result.meta.durationMs / 1000),
  );
}
