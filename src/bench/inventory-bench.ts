import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createInventoryStore, readInventory } from '../inventory/index.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import { createRedisKeys } from '../platform/redis-keys.js';
import { deleteKeyPrefix } from '../platform/delete-key-prefix.js';
import { generateFleet } from '../sim/fleet-generator.js';

export interface InventoryBenchResult {
  devices: number;
  subscribers: number;
  file_mb: number;
  first_import_s: number;
  first_read_validate_s: number;
  reimport_s: number;
  redis_used_mb: number;
  subscribers_behind_parent: number;
  subscribers_behind_ms: number;
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
}

/**
 * Imports the simulator's inventory for `devices` devices (one subscriber per CPE) through the same
 * path as `vigil inventory import` — read, parse, validate, write — then again (idempotent: nothing
 * rewritten), into a Redis prefix of its own that it deletes afterwards.
 */
export async function runInventoryBench(redisUrl: string, devices: number): Promise<InventoryBenchResult> {
  const { inventory } = generateFleet({
    devices,
    fanout: 250,
    seed: 1,
    firstOctet: 16,
    port: 1161,
    authProfile: 'sim',
    staleShare: 0.05,
    nowMs: Date.now(),
  });
  const text = JSON.stringify(inventory);
  const redis = createRedisConnection(redisUrl, 'worker', 'vigil-bench');
  await waitForRedis(redis);
  const prefix = `vigil-bench-${randomBytes(4).toString('hex')}`;
  const store = createInventoryStore({ redis, keys: createRedisKeys(prefix) });
  try {
    const before = await usedMemory(redis);
    const timeImport = async (): Promise<{ totalS: number; readS: number }> => {
      const started = performance.now();
      const parsed = readInventory(text, { fileName: 'bench.json' });
      const readS = (performance.now() - started) / 1000;
      await store.importInventory(parsed);
      return { totalS: (performance.now() - started) / 1000, readS };
    };
    const first = await timeImport();
    const usedMb = ((await usedMemory(redis)) - before) / 2 ** 20;
    const again = await timeImport();
    const started = performance.now();
    const behind = await store.subscriberIdsBehind(inventory.devices[0]?.id ?? '');
    return {
      devices: inventory.devices.length,
      subscribers: inventory.subscribers.length,
      file_mb: Number((text.length / 2 ** 20).toFixed(1)),
      first_import_s: Number(first.totalS.toFixed(2)),
      first_read_validate_s: Number(first.readS.toFixed(2)),
      reimport_s: Number(again.totalS.toFixed(2)),
      redis_used_mb: Math.round(usedMb),
      subscribers_behind_parent: behind.length,
      subscribers_behind_ms: Number((performance.now() - started).toFixed(1)),
    };
  } finally {
    await deleteKeyPrefix(redis, prefix);
    redis.disconnect();
  }
}
