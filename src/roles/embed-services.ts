import type { Redis } from 'ioredis';
import type { ActionStore } from '../actions/action-store.js';
import { createSubscriberHistory } from '../actions/subscriber-history.js';
import { createEmbedTokenStore } from '../api/embed-token-store.js';
import { createConversationStore } from '../conversations/conversation-store.js';
import type { InventoryStore } from '../inventory/index.js';
import type { OutcomeStore } from '../outcomes/outcome-store.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { createSmsStore } from '../sms/index.js';

/**
 * What the embedded agent panel needs of the API beyond the console's services: its tokens, a
 * conversation's record read without touching it (its scope checks), and the subscriber's history.
 */
export function createEmbedServices(
  redis: Redis,
  keys: RedisKeys,
  stores: { inventory: InventoryStore; actions: ActionStore; outcomes: OutcomeStore },
) {
  const conversations = createConversationStore(redis, keys);
  return {
    embedTokens: createEmbedTokenStore(redis, keys),
    conversationOf: (id: string) => conversations.get(id),
    subscriberHistory: createSubscriberHistory({
      redis,
      keys,
      ...stores,
      sms: createSmsStore(redis, keys),
      openConversations: (subscriberId) => conversations.openFor(subscriberId),
    }),
  };
}
