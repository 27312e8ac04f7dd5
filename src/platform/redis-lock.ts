import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** Deletes or extends the lock only while it is still ours: one that expired and was taken over is left alone. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface HeldLock {
  readonly token: string;
  /** Renews the expiry; false when the lock was lost (expired and taken by another holder). */
  extend(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * SET NX with a random token (the single-instance pattern of redis.io "Distributed locks with Redis").
 * The expiry only frees the lock of a holder that died. Returns undefined when another holder has it.
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | undefined> {
  const token = randomUUID();
  const taken = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (taken !== 'OK') return undefined;
  return {
    token,
    extend: async (ms) => (await redis.eval(EXTEND, 1, key, token, String(ms))) === 1,
    release: async () => {
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}

/** Waits for a short-held lock, polling every few ms; undefined when `waitMs` passes first. */
export async function waitForLock(
  redis: Redis,
  key: string,
  ttlMs: number,
  waitMs: number,
): Promise<HeldLock | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = await tryLock(redis, key, ttlMs);
    if (lock || Date.now() >= deadline) return lock;
    await sleep(10);
  }
}

/** Runs `work` under the lock and always releases it. */
export async function withLock<T>(
  redis: Redis,
  key: string,
  options: { ttlMs: number; waitMs: number; onBusy: () => Error },
  work: () => Promise<T>,
): Promise<T> {
  const lock = await waitForLock(redis, key, options.ttlMs, options.waitMs);
  if (!lock) throw options.onBusy();
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
