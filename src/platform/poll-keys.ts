import { shardOf } from './poll-shard-of.js';

/** The poll schedule's shards and their keys (src/polling/): slot group "poll shard" (redis-keys.ts header). */
export interface PollKeys {
  /** Shards of the poll schedule (VIGIL_POLL_SHARDS): every poller and API process must agree. */
  readonly pollShards: number;
  /** The poll shard of a device (a stable hash of its id): where its schedule, state and index entries live. */
  pollShardOf(deviceId: string): number;
  /** Sorted set of one poll shard: device id → when it is next due (ms since epoch). */
  pollDue(shard: number): string;
  /** Hash of one poll shard: device id → its poller state (msgpack: table indices, detection state). */
  pollState(shard: number): string;
  /** Sorted set (score 0, by id) of one poll shard's devices in one status (unknown, up, degraded, down). */
  devicesByStatus(status: string, shard: number): string;
  /** Sorted set (score 0, by id) of one poll shard's devices with an open finding of one kind. */
  devicesByFinding(kind: string, shard: number): string;
  /**
   * Sorted set of one poll shard: device id scored by when it last answered a poll (ms), the evidence
   * against a silent parent.
   */
  devicesAnsweredAt(shard: number): string;
  /**
   * The core key one of the poll indexes had before they were split by poll shard (`status`, `finding`
   * with its status or kind; `answered-at`; `due` and `state` with the shard): only the upgrade
   * (src/platform/split-poll-keys.ts) reads them.
   */
  unshardedPollKey(index: 'status' | 'finding' | 'answered-at' | 'due' | 'state', which?: string): string;
}

/** The builders of poll-shard keys, each taking the shard last. */
export const POLL_SHARD_KEY_BUILDERS: readonly (keyof PollKeys)[] = [
  'pollDue',
  'pollState',
  'devicesByStatus',
  'devicesByFinding',
  'devicesAnsweredAt',
];

/**
 * The builders: a shard's keys are `<prefix>:{<prefix>:s<shard>}:poll:…`, one hash slot per shard;
 * `k(...)` builds the installation's core keys (the old, unsharded names).
 */
export function pollKeys(k: (...parts: string[]) => string, prefix: string, pollShards: number): PollKeys {
  const s = (shard: number, ...parts: string[]): string =>
    [prefix, `{${prefix}:s${shard}}`, ...parts].join(':');
  return {
    pollShards,
    pollShardOf: (deviceId) => shardOf(deviceId, pollShards),
    pollDue: (shard) => s(shard, 'poll', 'due'),
    pollState: (shard) => s(shard, 'poll', 'state'),
    devicesByStatus: (status, shard) => s(shard, 'poll', 'status', status),
    devicesByFinding: (kind, shard) => s(shard, 'poll', 'finding', kind),
    devicesAnsweredAt: (shard) => s(shard, 'poll', 'answered-at'),
    unshardedPollKey: (index, which) => (which === undefined ? k('poll', index) : k('poll', index, which)),
  };
}
