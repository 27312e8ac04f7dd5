import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { Secret } from '../shared/secret.js';
import { createDeadLetterStore } from './dead-letter-store.js';
import { ledgerInto } from './incident-alert-ledger.js';
import type { Delivery, WebhookSubscription } from './webhook.js';

export type { DeadLetter } from './dead-letter-store.js';

interface StoredSubscription extends WebhookSubscription {
  /** Kept to sign deliveries; never returned by the API, never logged (it becomes a Secret on read). */
  secret: string;
}

export function createWebhookStore(redis: Redis, keys: RedisKeys) {
  const key = keys.webhookSubscriptions();
  const parse = (json: string): { subscription: WebhookSubscription; secret: Secret } => {
    const { secret, ...subscription } = JSON.parse(json) as StoredSubscription;
    return { subscription, secret: new Secret(secret) };
  };
  return {
    async create(
      input: Omit<WebhookSubscription, 'id' | 'createdAt'>,
      secret: Secret,
      now: number,
    ): Promise<WebhookSubscription> {
      const subscription: WebhookSubscription = { id: `wh-${randomUUID()}`, ...input, createdAt: now };
      const stored: StoredSubscription = { ...subscription, secret: secret.reveal() };
      await redis.hset(key, subscription.id, JSON.stringify(stored));
      return subscription;
    },
    async list(): Promise<{ subscription: WebhookSubscription; secret: Secret }[]> {
      return Object.values(await redis.hgetall(key))
        .map(parse)
        .sort((a, b) => a.subscription.createdAt - b.subscription.createdAt);
    },
    async get(id: string): Promise<{ subscription: WebhookSubscription; secret: Secret } | undefined> {
      const json = await redis.hget(key, id);
      return json === null ? undefined : parse(json);
    },
    async remove(id: string): Promise<boolean> {
      const removed = (await redis.hdel(key, id)) === 1;
      if (removed) await redis.del(keys.alertsPending(id));
      return removed;
    },
    /** Queues alerts for a subscription, in order. */
    async enqueue(subscriptionId: string, deliveries: readonly Delivery[]): Promise<void> {
      if (deliveries.length === 0) return;
      const pipeline = redis.pipeline();
      pipeline.rpush(keys.alertsPending(subscriptionId), ...deliveries.map((d) => JSON.stringify(d)));
      ledgerInto(pipeline, keys, deliveries, 'queued', Date.now());
      await pipeline.exec();
    },
    async head(subscriptionId: string): Promise<Delivery | undefined> {
      const json = await redis.lindex(keys.alertsPending(subscriptionId), 0);
      return json === null ? undefined : (JSON.parse(json) as Delivery);
    },
    /** Drops the head once delivered (only if it is still the same delivery). */
    async delivered(subscriptionId: string, delivery: Delivery): Promise<void> {
      const json = await redis.lindex(keys.alertsPending(subscriptionId), 0);
      if (json !== null && (JSON.parse(json) as Delivery).id === delivery.id)
        await redis.lpop(keys.alertsPending(subscriptionId));
    },
    ...createDeadLetterStore(redis, keys),
    pendingCount: (subscriptionId: string): Promise<number> => redis.llen(keys.alertsPending(subscriptionId)),
  };
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;
