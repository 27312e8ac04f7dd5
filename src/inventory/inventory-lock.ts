import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../shared/app-error.js';

/** Deletes the lock only if it is still ours, so a lock that expired and was taken over is left alone. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface InventoryLock {
  token: string;
  release(): Promise<void>;
}

/**
 * One import at a time: SET NX with a token (the single-instance pattern of redis.io "Distributed
 * locks with Redis"). The expiry only frees the lock of an importer that died; an import that outlives
 * it cannot commit, because the commit script checks the token.
 */
export async function acquireInventoryLock(redis: Redis, key: string, ttlMs: number): Promise<InventoryLock> {
  const token = randomUUID();
  const taken = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (taken !== 'OK') {
    throw new AppError(
      'ERR_INVENTORY_LOCKED',
      'another inventory import is running; try again when it has finished',
      { retryable: true },
    );
  }
  return {
    token,
    async release() {
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}
