import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Redis } from 'ioredis';

export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
export const mb = (bytes: number): number => round(bytes / 2 ** 20);

/** Redis's `used_memory`, bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
}

/**
 * Full GCs before a memory reading, so RSS and heap deltas are what stays, not garbage not yet
 * collected; the pause lets V8 hand freed pages back before RSS is read.
 */
export async function collectGarbage(): Promise<void> {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    await sleep(100);
    gc();
  } catch {
    // Without it the readings are noisier, not wrong.
  }
}
