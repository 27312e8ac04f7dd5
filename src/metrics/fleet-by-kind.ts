import type { Redis } from 'ioredis';
import { DEVICE_STATUSES, type DeviceStatus } from '../detection/device-status.js';
import { DEVICE_KINDS, type DeviceKind } from '../inventory/inventory-types.js';
import { SEPARATOR } from '../inventory/write-inventory.js';
import { packedIndexKeys } from '../inventory/packed-index.js';
import { countDevicesByKind } from '../inventory/count-inventory.js';
import { packedRange } from '../inventory/packed-index-read.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { cardsOverPollShards, scoresInPollShards } from '../platform/poll-shard-reads.js';

export type StatusCounts = Record<DeviceStatus, number>;
export interface KindHealth {
  kind: DeviceKind;
  total: number;
  byStatus: StatusCounts;
}

/** Ids looked up per round trip while walking a kind's devices. */
const CHUNK = 1000;

const zeroCounts = (): StatusCounts => ({ unknown: 0, up: 0, degraded: 0, down: 0 });

/** How many devices of each kind the inventory holds and how many the pollers placed in each status set. */
async function totals(redis: Redis, keys: RedisKeys): Promise<{ kinds: number[]; statuses: number[] }> {
  const [kinds, statuses] = await Promise.all([
    countDevicesByKind(redis, keys),
    cardsOverPollShards(redis, keys, DEVICE_STATUSES, (status, shard) => keys.devicesByStatus(status, shard)),
  ]);
  return { kinds: DEVICE_KINDS.map((kind) => kinds[kind]), statuses };
}

/** The statuses of one kind's devices, walking its index a chunk at a time (ZMSCORE in each status set). */
async function walkKind(redis: Redis, keys: RedisKeys, kind: DeviceKind): Promise<StatusCounts> {
  const counts = zeroCounts();
  const kindIndex = packedIndexKeys(keys, 'device-kind');
  const prefix = `${kind}${SEPARATOR}`;
  let from = { from: prefix, after: false, below: `${kind}\u0001` };
  for (;;) {
    const members = await packedRange(redis, kindIndex, from, CHUNK);
    if (members.length === 0) return counts;
    const ids = members.map((member) => member.slice(prefix.length));
    const placed = DEVICE_STATUSES.filter((s) => s !== 'unknown');
    const scores = await Promise.all(
      placed.map((status) =>
        scoresInPollShards(redis, keys, (shard) => keys.devicesByStatus(status, shard), ids),
      ),
    );
    ids.forEach((_, i) => {
      const status = placed.find((_s, j) => scores[j]?.[i] !== null && scores[j]?.[i] !== undefined);
      counts[status ?? 'unknown'] += 1;
    });
    if (members.length < CHUNK) return counts;
    from = { ...from, from: members[members.length - 1] as string, after: true };
  }
}

/**
 * Devices by kind and status, adding up to the inventory. The most numerous kind (the CPEs, by far, in
 * an operator's fleet) is never walked: its counts are the fleet's status totals less the other kinds',
 * so the cost follows the access nodes and base stations (a few thousand at a million CPEs), not the fleet.
 * A device never polled is in no status set: it counts as unknown, as describeDeviceState says.
 */
export async function readFleetByKind(redis: Redis, keys: RedisKeys): Promise<KindHealth[]> {
  const { kinds, statuses } = await totals(redis, keys);
  const largest = kinds.indexOf(Math.max(...kinds));
  const health = await Promise.all(
    DEVICE_KINDS.map(async (kind, i) => ({
      kind,
      total: kinds[i] ?? 0,
      byStatus: i === largest ? zeroCounts() : await walkKind(redis, keys, kind),
    })),
  );
  const rest = health[largest] as KindHealth;
  for (const status of DEVICE_STATUSES) {
    if (status === 'unknown') continue;
    const others = health.reduce((sum, h, i) => (i === largest ? sum : sum + h.byStatus[status]), 0);
    rest.byStatus[status] = Math.max(0, (statuses[DEVICE_STATUSES.indexOf(status)] ?? 0) - others);
  }
  const placed = rest.byStatus.up + rest.byStatus.degraded + rest.byStatus.down;
  rest.byStatus.unknown = Math.max(0, rest.total - placed);
  return health;
}
