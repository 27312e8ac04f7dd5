import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../platform/redis-keys.js';
import { oldestDueOverPollShards } from '../../platform/poll-shard-reads.js';

/** Polls counted by every poller so far, by outcome (vigil_polls_total in the fleet counters' hash). */
export async function pollCounts(redis: Redis, keys: RedisKeys): Promise<Record<string, number>> {
  const counters = await redis.hgetall(keys.metricCounters());
  const byOutcome: Record<string, number> = {};
  for (const [field, value] of Object.entries(counters)) {
    if (!field.startsWith('vigil_polls_total')) continue;
    const outcome = /outcome="([^"]*)"/.exec(field)?.[1] ?? 'all';
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + (Number(value) || 0);
  }
  return byOutcome;
}

export const total = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);

/** What happened between two readings of the poll counters. */
export function countsSince(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [outcome, n] of Object.entries(after)) {
    const d = n - (before[outcome] ?? 0);
    if (d > 0) delta[outcome] = d;
  }
  return delta;
}

/** Seconds the oldest due device of any schedule shard has waited to be claimed (0 when none is due). */
export async function oldestOverdueSeconds(redis: Redis, keys: RedisKeys): Promise<number> {
  const oldest = await oldestDueOverPollShards(redis, keys);
  return oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000);
}

/** One master's memory and the commands it has served so far (INFO, asked of that node itself). */
export interface MasterReading {
  port: number;
  usedMb: number;
  commands: number;
}

/** Every master's reading: on a cluster a client's INFO answers for one node, so each is asked. */
export function readMasters(masters: readonly Redis[]): Promise<MasterReading[]> {
  return Promise.all(
    masters.map(async (node) => {
      const info = await node.info();
      const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
      return {
        port: Number(node.options.port),
        usedMb: field('used_memory') / 2 ** 20,
        commands: field('total_commands_processed'),
      };
    }),
  );
}

export const usedMbOf = (readings: readonly MasterReading[]): number =>
  readings.reduce((sum, r) => sum + r.usedMb, 0);
