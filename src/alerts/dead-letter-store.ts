import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import type { Delivery } from './webhook.js';

/** An alert that failed every attempt, or was refused, with when and why. */
export interface DeadLetter extends Delivery {
  diedAt: number;
}

/**
 * The dead letters of outage alerts: the head of a subscription's queue moved aside so the ones behind
 * it go on, listed newest first for the NOC, and replayed on request.
 */
export function createDeadLetterStore(redis: Redis, keys: RedisKeys) {
  return {
    /** Moves the head to the dead letters: it failed every attempt (or was refused), and the ones behind it must not wait forever. */
    async kill(subscriptionId: string, delivery: Delivery, error: string, now: number): Promise<void> {
      const dead: DeadLetter = { ...delivery, lastError: error, diedAt: now };
      await redis
        .multi()
        .lpop(keys.alertsPending(subscriptionId))
        .hset(keys.alertsDead(), delivery.id, JSON.stringify(dead))
        .zadd(keys.alertsDeadIndex(), now, delivery.id)
        .exec();
    },
    async deadLetters(limit: number): Promise<DeadLetter[]> {
      const ids = await redis.zrevrange(keys.alertsDeadIndex(), 0, limit - 1);
      if (ids.length === 0) return [];
      const values = await redis.hmget(keys.alertsDead(), ...ids);
      return values.flatMap((json) => (json === null ? [] : [JSON.parse(json) as DeadLetter]));
    },
    /** Puts a dead letter back at the end of its subscription's queue, attempts reset. */
    async replay(deliveryId: string): Promise<Delivery> {
      const json = await redis.hget(keys.alertsDead(), deliveryId);
      if (json === null) throw new AppError('ERR_DEAD_LETTER_NOT_FOUND', `no dead letter "${deliveryId}"`);
      const { diedAt: _diedAt, lastError: _lastError, ...delivery } = JSON.parse(json) as DeadLetter;
      const again: Delivery = { ...delivery, attempts: 0 };
      if (!(await redis.hexists(keys.webhookSubscriptions(), delivery.subscriptionId)))
        throw new AppError(
          'ERR_DEAD_LETTER_CONFLICT',
          `subscription ${delivery.subscriptionId} no longer exists`,
        );
      await redis
        .multi()
        .rpush(keys.alertsPending(delivery.subscriptionId), JSON.stringify(again))
        .hdel(keys.alertsDead(), deliveryId)
        .zrem(keys.alertsDeadIndex(), deliveryId)
        .exec();
      return again;
    },
  };
}
