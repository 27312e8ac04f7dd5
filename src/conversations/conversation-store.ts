import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import type { Conversation } from './conversation.js';

/** Closes a conversation only if it is still open, so an idle sweep and a DELETE never both close it. */
const CLOSE_IF_OPEN = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
local c = cjson.decode(json)
if c.state ~= 'open' then return 0 end
c.state = 'closed'
c.closedAt = tonumber(ARGV[2])
c.closedBy = ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(c))
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3] .. c.subscriberId, ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
return 1`;

/** Closed conversations stay readable a week (audit, outcome learning), then go. */
const CLOSED_RETENTION_MS = 7 * 24 * 3_600_000;

export interface ConversationStore {
  open(
    input: Omit<Conversation, 'id' | 'state' | 'openedAt' | 'lastActivityAt'>,
    now: number,
  ): Promise<Conversation>;
  get(id: string): Promise<Conversation | undefined>;
  /** The conversation, open; 404 when unknown, 409 when closed. */
  requireOpen(id: string): Promise<Conversation>;
  touch(id: string, now: number): Promise<void>;
  close(id: string, now: number, by: 'agent' | 'idle'): Promise<boolean>;
  /** Open conversations idle since before `idleBefore`. */
  idle(idleBefore: number, limit: number): Promise<string[]>;
  openFor(subscriberId: string): Promise<Conversation[]>;
  trimClosed(now: number): Promise<void>;
}

export function createConversationStore(redis: Redis, keys: RedisKeys): ConversationStore {
  const records = keys.conversationRecords();
  const get = async (id: string): Promise<Conversation | undefined> => {
    const json = await redis.hget(records, id);
    return json === null ? undefined : (JSON.parse(json) as Conversation);
  };
  return {
    async open(input, now) {
      const conversation: Conversation = {
        id: `cv-${randomUUID()}`,
        ...input,
        state: 'open',
        openedAt: now,
        lastActivityAt: now,
      };
      await redis
        .multi()
        .hset(records, conversation.id, JSON.stringify(conversation))
        .zadd(keys.openConversations(), now, conversation.id)
        .sadd(keys.subscriberConversations(conversation.subscriberId), conversation.id)
        // Every contact counts for "did the subscriber come back within 72 h" (src/outcomes/).
        .zadd(keys.contacts(conversation.subscriberId), now, String(now))
        .pexpire(keys.contacts(conversation.subscriberId), 90 * 24 * 3_600_000)
        .exec();
      return conversation;
    },
    get,
    async requireOpen(id) {
      const conversation = await get(id);
      if (!conversation) throw new AppError('ERR_CONVERSATION_NOT_FOUND', `no conversation "${id}"`);
      if (conversation.state !== 'open')
        throw new AppError(
          'ERR_CONVERSATION_CONFLICT',
          `conversation "${id}" is closed (${conversation.closedBy ?? ''})`,
        );
      return conversation;
    },
    async touch(id, now) {
      // XX: only conversations still open (in the set) are refreshed.
      await redis.zadd(keys.openConversations(), 'XX', now, id);
    },
    close: async (id, now, by) =>
      (await redis.eval(
        CLOSE_IF_OPEN,
        4,
        records,
        keys.openConversations(),
        keys.subscriberConversations(''),
        keys.closedConversations(),
        id,
        String(now),
        by,
      )) === 1,
    idle: (idleBefore, limit) =>
      redis.zrangebyscore(keys.openConversations(), '-inf', idleBefore, 'LIMIT', 0, limit),
    async openFor(subscriberId) {
      const ids = await redis.smembers(keys.subscriberConversations(subscriberId));
      if (ids.length === 0) return [];
      const values = await redis.hmget(records, ...ids);
      return values.flatMap((json) => (json === null ? [] : [JSON.parse(json) as Conversation]));
    },
    async trimClosed(now) {
      const old = await redis.zrangebyscore(
        keys.closedConversations(),
        '-inf',
        now - CLOSED_RETENTION_MS,
        'LIMIT',
        0,
        1000,
      );
      if (old.length === 0) return;
      await redis
        .multi()
        .hdel(records, ...old)
        .zrem(keys.closedConversations(), ...old)
        .exec();
    },
  };
}
