import type { Redis } from 'ioredis';
import type { RebootHistory } from '../playbooks/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/** Longer than any guard looks back (24 h) and than the escalation needs; older entries are trimmed. */
const HISTORY_RETENTION_MS = 7 * 24 * 3_600_000;
/**
 * A reboot still "running" after this long belongs to a worker that died before verification: it no
 * longer holds a slot under its parent (a reboot and its verification take a few minutes at most).
 */
const RUNNING_STALE_MS = 15 * 60_000;

/** One reboot Vigil sent; `cleared` is set once verification knows whether it fixed the finding. */
export interface RebootEntry {
  at: number;
  actionId: string;
  by: string;
  cleared?: boolean;
}

/**
 * What the reboot guards read: when Vigil rebooted each device and whether it helped, and which reboots
 * are running under each parent. Actions write it; the planner reads it.
 */
export interface RebootLedger {
  histories(deviceIds: readonly string[], now: number): Promise<Map<string, RebootHistory>>;
  runningUnder(parentIds: readonly string[], now: number): Promise<Map<string, number>>;
  started(entry: RebootEntry & { deviceId: string; parentId: string | null }): Promise<void>;
  finished(
    entry: RebootEntry & { deviceId: string; parentId: string | null; cleared: boolean },
  ): Promise<void>;
}

export function createRebootLedger(redis: Redis, keys: RedisKeys): RebootLedger {
  return {
    async histories(deviceIds, now) {
      const result = new Map<string, RebootHistory>();
      if (deviceIds.length === 0) return result;
      const pipeline = redis.pipeline();
      for (const id of deviceIds)
        pipeline.zrangebyscore(keys.rebootHistory(id), now - HISTORY_RETENTION_MS, '+inf');
      const replies = (await pipeline.exec()) ?? [];
      deviceIds.forEach((id, i) => {
        const [error, members] = replies[i] ?? [];
        if (error) throw error;
        const entries = (members as string[]).map((m) => JSON.parse(m) as RebootEntry);
        if (entries.length === 0) return;
        result.set(id, {
          rebootsAt: entries.map((e) => e.at),
          lastRebootAt: Math.max(...entries.map((e) => e.at)),
          rebootOutcomes: entries
            .filter((e) => e.cleared !== undefined)
            .map((e) => ({ at: e.at, clearedFinding: e.cleared === true })),
        });
      });
      return result;
    },

    async runningUnder(parentIds, now) {
      const result = new Map<string, number>();
      if (parentIds.length === 0) return result;
      const pipeline = redis.pipeline();
      for (const id of parentIds) pipeline.zcount(keys.runningReboots(id), now - RUNNING_STALE_MS, '+inf');
      const replies = (await pipeline.exec()) ?? [];
      parentIds.forEach((id, i) => result.set(id, Number(replies[i]?.[1] ?? 0)));
      return result;
    },

    async started({ deviceId, parentId, ...entry }) {
      const pipeline = redis.pipeline();
      pipeline.zadd(keys.rebootHistory(deviceId), entry.at, JSON.stringify(entry));
      pipeline.zremrangebyscore(keys.rebootHistory(deviceId), 0, entry.at - HISTORY_RETENTION_MS);
      if (parentId !== null) pipeline.zadd(keys.runningReboots(parentId), entry.at, entry.actionId);
      await pipeline.exec();
    },

    async finished({ deviceId, parentId, cleared, ...entry }) {
      const pipeline = redis.pipeline();
      // Members are the entry's JSON: replace the open entry by the one with its outcome.
      pipeline.zrem(keys.rebootHistory(deviceId), JSON.stringify(entry));
      pipeline.zadd(keys.rebootHistory(deviceId), entry.at, JSON.stringify({ ...entry, cleared }));
      if (parentId !== null) pipeline.zrem(keys.runningReboots(parentId), entry.actionId);
      await pipeline.exec();
    },
  };
}
