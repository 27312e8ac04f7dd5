import type { Redis } from 'ioredis';
import type { RebootHistory } from '../playbooks/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/** Longer than any guard looks back (24 h) and than the escalation needs; older entries are trimmed. */
export const HISTORY_RETENTION_MS = 7 * 24 * 3_600_000;

/** One reboot Vigil sent; `cleared` is set once verification knows whether it fixed the finding. */
export interface RebootEntry {
  at: number;
  actionId: string;
  by: string;
  cleared?: boolean;
}

/** A history entry as stored: its JSON, in this key order, is how `finished` finds it again. */
export function ledgerMember(entry: RebootEntry): string {
  return JSON.stringify({
    at: entry.at,
    actionId: entry.actionId,
    by: entry.by,
    ...(entry.cleared !== undefined ? { cleared: entry.cleared } : {}),
  });
}

/**
 * What the reboot guards read: when Vigil rebooted each device and whether it helped, and which reboots
 * are running under each parent. An entry is started by the reboot's claim, in one script with the SET's
 * claim and the parent's slot (src/actions/claim-reboot.ts), before the SET leaves; the slot's score is
 * when it expires, so a worker that died mid-verification holds it only until then. Actions write it;
 * the planner reads it.
 */
export interface RebootLedger {
  histories(deviceIds: readonly string[], now: number): Promise<Map<string, RebootHistory>>;
  /** Slots held under each parent now (released by `finished`, or expired). */
  runningUnder(parentIds: readonly string[], now: number): Promise<Map<string, number>>;
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
      for (const id of parentIds) pipeline.zcount(keys.runningReboots(id), `(${now}`, '+inf');
      const replies = (await pipeline.exec()) ?? [];
      parentIds.forEach((id, i) => result.set(id, Number(replies[i]?.[1] ?? 0)));
      return result;
    },

    async finished({ deviceId, parentId, cleared, ...entry }) {
      const pipeline = redis.pipeline();
      // Members are the entry's JSON: replace the open entry (or an outcome written by an earlier run
      // of the same verification) by the one with its outcome, so one reboot stays one entry.
      pipeline.zrem(
        keys.rebootHistory(deviceId),
        ledgerMember(entry),
        ledgerMember({ ...entry, cleared: !cleared }),
      );
      pipeline.zadd(keys.rebootHistory(deviceId), entry.at, ledgerMember({ ...entry, cleared }));
      if (parentId !== null) pipeline.zrem(keys.runningReboots(parentId), entry.actionId);
      await pipeline.exec();
    },
  };
}
