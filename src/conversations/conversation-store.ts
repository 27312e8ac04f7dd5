import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScript, runScript } from '../platform/lua-script.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import type { Conversation } from './conversation.js';

/** Closes a conversation only if it is still open, so an idle sweep and a DELETE never both close it. */
const CLOSE_IF_OPEN = luaScript(`
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
return 1`);

/**
 * Opens a conversation under its bounds, atomically, so concurrent opens cannot pass a bound together
 * nor make two conversations of one: a second open of the same key, subscriber, channel and agent within
 * the reuse window gets the one still open (touched); else the key's and the subscriber's counters for
 * this minute are checked and taken; then the record, the indexes and the contact are written.
 * KEYS: records, open set, subscriber's set, subscriber's contacts, reuse, key counter, subscriber counter.
 * ARGV: id, JSON, now, reuse ms (0: off), key max, subscriber max, counter window ms, contacts ttl ms.
 * Returns {'reused', json} | {'opened', json} | {'limited', 'key'|'subscriber', pttl}.
 */
const OPEN_BOUNDED = luaScript(`
local now = tonumber(ARGV[3])
if ARGV[4] ~= '0' then
  local existing = redis.call('GET', KEYS[5])
  if existing then
    local json = redis.call('HGET', KEYS[1], existing)
    if json and cjson.decode(json).state == 'open' then
      redis.call('ZADD', KEYS[2], 'XX', now, existing)
      return {'reused', json}
    end
  end
end
local counters = {{KEYS[6], tonumber(ARGV[5]), 'key'}, {KEYS[7], tonumber(ARGV[6]), 'subscriber'}}
for _, c in ipairs(counters) do
  if tonumber(redis.call('GET', c[1]) or '0') >= c[2] then
    return {'limited', c[3], redis.call('PTTL', c[1])}
  end
end
for _, c in ipairs(counters) do
  if redis.call('INCR', c[1]) == 1 then redis.call('PEXPIRE', c[1], ARGV[7]) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], now, ARGV[3])
redis.call('PEXPIRE', KEYS[4], ARGV[8])
if ARGV[4] ~= '0' then redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[4]) end
return {'opened', ARGV[2]}`);

/** The bounds one open is checked against (VIGIL_CONVERSATION_*; see src/config/caller-limits.ts). */
export interface OpenBounds {
  /** The opener's API key id (never the token): its budget, and part of what makes an open "the same". */
  keyId: string;
  /** A second open of the same key, subscriber, channel and agent within this long returns the open one; 0: never. */
  reuseMs: number;
  perKeyPerMinute: number;
  perSubscriberPerMinute: number;
}

export type OpenResult =
  | { outcome: 'opened' | 'reused'; conversation: Conversation }
  | { outcome: 'limited'; by: 'key' | 'subscriber'; retryAfterMs: number };

const MINUTE_MS = 60_000;
/** Every contact counts for "did the subscriber come back within 72 h" (src/outcomes/). */
const CONTACTS_RETENTION_MS = 90 * 24 * 3_600_000;

/** Closed conversations stay readable a week (audit, outcome learning), then go. */
const CLOSED_RETENTION_MS = 7 * 24 * 3_600_000;

export interface ConversationStore {
  /** A new conversation, or the same one opened moments ago, or the bound that refused it. */
  open(
    input: Omit<Conversation, 'id' | 'state' | 'openedAt' | 'lastActivityAt'>,
    now: number,
    bounds: OpenBounds,
  ): Promise<OpenResult>;
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
  return new RedisConversationStore(redis, keys);
}

type OpenInput = Parameters<ConversationStore['open']>[0];

class RedisConversationStore implements ConversationStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async open(input: OpenInput, now: number, bounds: OpenBounds): Promise<OpenResult> {
    const { keys } = this;
    const conversation: Conversation = {
      id: `cv-${randomUUID()}`,
      ...input,
      state: 'open',
      openedAt: now,
      lastActivityAt: now,
    };
    const [outcome, value, pttl] = (await runScript(
      this.redis,
      OPEN_BOUNDED,
      [
        keys.conversationRecords(),
        keys.openConversations(),
        keys.subscriberConversations(input.subscriberId),
        keys.contacts(input.subscriberId),
        keys.conversationReuse(sameOpenDigest(bounds.keyId, input)),
        keys.conversationOpens('key', bounds.keyId),
        keys.conversationOpens('subscriber', input.subscriberId),
      ],
      [
        conversation.id,
        JSON.stringify(conversation),
        String(now),
        String(Math.max(0, Math.round(bounds.reuseMs))),
        String(bounds.perKeyPerMinute),
        String(bounds.perSubscriberPerMinute),
        String(MINUTE_MS),
        String(CONTACTS_RETENTION_MS),
      ],
    )) as [string, string, number?];
    if (outcome === 'limited')
      return {
        outcome,
        by: value === 'key' ? 'key' : 'subscriber',
        retryAfterMs: typeof pttl === 'number' && pttl > 0 ? pttl : MINUTE_MS,
      };
    return {
      outcome: outcome === 'reused' ? 'reused' : 'opened',
      conversation: JSON.parse(value) as Conversation,
    };
  }

  async get(id: string): Promise<Conversation | undefined> {
    const json = await this.redis.hget(this.keys.conversationRecords(), id);
    return json === null ? undefined : (JSON.parse(json) as Conversation);
  }

  async requireOpen(id: string): Promise<Conversation> {
    const conversation = await this.get(id);
    if (!conversation) throw new AppError('ERR_CONVERSATION_NOT_FOUND', `no conversation "${id}"`);
    if (conversation.state !== 'open')
      throw new AppError(
        'ERR_CONVERSATION_CONFLICT',
        `conversation "${id}" is closed (${conversation.closedBy ?? ''})`,
      );
    return conversation;
  }

  async touch(id: string, now: number): Promise<void> {
    // XX: only conversations still open (in the set) are refreshed.
    await this.redis.zadd(this.keys.openConversations(), 'XX', now, id);
  }

  async close(id: string, now: number, by: 'agent' | 'idle'): Promise<boolean> {
    const { keys } = this;
    const closed = await runScript(
      this.redis,
      CLOSE_IF_OPEN,
      [
        keys.conversationRecords(),
        keys.openConversations(),
        keys.subscriberConversations(''),
        keys.closedConversations(),
      ],
      [id, String(now), by],
    );
    return closed === 1;
  }

  idle(idleBefore: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.openConversations(), '-inf', idleBefore, 'LIMIT', 0, limit);
  }

  async openFor(subscriberId: string): Promise<Conversation[]> {
    const ids = await this.redis.smembers(this.keys.subscriberConversations(subscriberId));
    if (ids.length === 0) return [];
    const values = await this.redis.hmget(this.keys.conversationRecords(), ...ids);
    return values.flatMap((json) => (json === null ? [] : [JSON.parse(json) as Conversation]));
  }

  async trimClosed(now: number): Promise<void> {
    const { keys } = this;
    const old = await this.redis.zrangebyscore(
      keys.closedConversations(),
      '-inf',
      now - CLOSED_RETENTION_MS,
      'LIMIT',
      0,
      1000,
    );
    if (old.length === 0) return;
    await this.redis
      .multi()
      .hdel(keys.conversationRecords(), ...old)
      .zrem(keys.closedConversations(), ...old)
      .exec();
  }
}

/**
 * What makes two opens the same conversation: the key, the subscriber, the channel and the agent (a
 * console retrying or a double click). Another agent, or another key, opens its own. Hashed so that
 * any character in the ids makes a well-formed key, and no id is readable in it.
 */
function sameOpenDigest(
  keyId: string,
  input: Pick<Conversation, 'subscriberId' | 'channel' | 'agentId'>,
): string {
  return createHash('sha256')
    .update(JSON.stringify([keyId, input.subscriberId, input.channel, input.agentId]))
    .digest('base64url');
}
