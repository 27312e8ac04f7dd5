import type { Redis } from 'ioredis';
import type { SuggestionRecord } from '../diagnosis/suggestion-record.js';
import {
  pickLanguage,
  type DiagnosisService,
  type SubscriberDiagnosis,
} from '../diagnosis/diagnosis-service.js';
import type { InventoryStore, Subscriber } from '../inventory/index.js';
import { countInto } from '../platform/fleet-counters.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { Language } from '../playbooks/index.js';
import { AppError } from '../shared/app-error.js';
import type { Conversation } from './conversation.js';
import type { ConversationStore, OpenBounds } from './conversation-store.js';
import type { EventHub } from './event-hub.js';
import { findSubscriber, type SubscriberLookup } from './find-subscriber.js';
import { createFollowers } from './follow-conversation.js';
import type { FreshProbe } from './fresh-probe.js';

/**
 * Accepting and dismissing belong to actions/, which sits above this folder: the process wiring passes
 * them in. `A` is the action an accept queues.
 */
export interface SuggestionDecider<A> {
  accept(
    conversation: Conversation,
    suggestionId: string,
  ): Promise<{ suggestion: SuggestionRecord; action: A }>;
  dismiss(conversation: Conversation, suggestionId: string, reason: string): Promise<SuggestionRecord>;
}

export interface ConversationServiceDeps<A> {
  redis: Redis;
  keys: RedisKeys;
  conversations: ConversationStore;
  inventory: InventoryStore;
  diagnosis: DiagnosisService;
  hub: EventHub;
  freshProbe: FreshProbe;
  decider: SuggestionDecider<A>;
  logger: Logger;
  /** Bounds on opens (VIGIL_CONVERSATION_*): per key and per subscriber a minute, and the reuse window. */
  opens: Omit<OpenBounds, 'keyId'>;
  /** SSE comment lines and WebSocket pings this often keep proxies from closing a quiet stream (15 s). */
  heartbeatMs?: number;
  clock?: () => number;
}

export interface OpenRequest extends SubscriberLookup {
  channel: string;
  agentId: string;
  /** The language asked for; else the Accept-Language header's, else the subscriber's own. */
  language?: Language;
  acceptLanguage?: string;
  /** The opener's API key id (never the token). */
  keyId: string;
}

export type OpenAnswer =
  | {
      outcome: 'opened' | 'reused';
      conversation: Conversation;
      diagnosis: SubscriberDiagnosis;
      lastEventId: string;
    }
  | { outcome: 'limited'; retryAfterSeconds: number; error: AppError };

/**
 * The agents' conversations: open one for a subscriber with the diagnosis snapshot from stored state
 * (a fresh probe runs meanwhile and is pushed), read it, follow its events, accept or dismiss its
 * suggestions, close it. Transport-free: the HTTP routes translate to and from it.
 */
export function createConversationService<A>(deps: ConversationServiceDeps<A>) {
  const { conversations, hub } = deps;
  const clock = deps.clock ?? Date.now;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const snapshot = (c: Conversation, now = clock()) => snapshotOf(deps, c, now);
  const followers = createFollowers({
    hub,
    logger: deps.logger,
    heartbeatMs,
    touch: (id) => conversations.touch(id, clock()),
    snapshot: (c) => snapshot(c),
  });

  async function existing(id: string): Promise<Conversation> {
    const conversation = await conversations.get(id);
    if (!conversation) throw new AppError('ERR_CONVERSATION_NOT_FOUND', `no conversation "${id}"`);
    return conversation;
  }

  /** The conversation, open (404 unknown, 409 closed), touched: the agent acting on it is activity. */
  async function requireOpen(id: string): Promise<Conversation> {
    const conversation = await conversations.requireOpen(id);
    await conversations.touch(id, clock());
    return conversation;
  }

  return {
    open: (request: OpenRequest) => openConversation(deps, request),
    requireOpen,
    heartbeatMs,
    /** The conversation (open or closed) and its diagnosis now; reading an open one is activity. */
    async now(id: string): Promise<{ conversation: Conversation; diagnosis: SubscriberDiagnosis }> {
      const conversation = await existing(id);
      if (conversation.state === 'open') await conversations.touch(conversation.id, clock());
      return { conversation, diagnosis: await snapshot(conversation) };
    },
    /** Closes it (by the agent) and ends its streams on this instance. */
    async close(id: string): Promise<void> {
      const conversation = await existing(id);
      await conversations.close(conversation.id, clock(), 'agent');
      followers.closeConversation(conversation.id);
    },
    follow: followers.follow,
    async accept(id: string, suggestionId: string) {
      const conversation = await requireOpen(id);
      return { conversation, ...(await deps.decider.accept(conversation, suggestionId)) };
    },
    async dismiss(id: string, suggestionId: string, reason: string) {
      const conversation = await requireOpen(id);
      return { conversation, suggestion: await deps.decider.dismiss(conversation, suggestionId, reason) };
    },
    /** Streams open on this instance, for the `vigil_stream_clients` gauge. */
    streamClients: (): number => hub.listening(),
    /** Ends every stream this instance serves (the API is closing). */
    closeStreams: (): void => followers.closeAll(),
  };
}

/** A conversation opened (or the same open again), with its snapshot; or the bound that refused it. */
async function openConversation<A>(
  deps: ConversationServiceDeps<A>,
  request: OpenRequest,
): Promise<OpenAnswer> {
  const { conversations } = deps;
  const clock = deps.clock ?? Date.now;
  const subscriber = await findSubscriber(deps.inventory, request);
  const preferred = subscriber.language === 'ru' || subscriber.language === 'en' ? subscriber.language : 'en';
  const language = request.language ?? pickLanguage(request.acceptLanguage, preferred);
  const now = clock();
  const opened = await conversations.open(
    { subscriberId: subscriber.id, channel: request.channel, agentId: request.agentId, language },
    now,
    { ...deps.opens, keyId: request.keyId },
  );
  if (opened.outcome === 'limited') return limited(deps, opened.by, opened.retryAfterMs);
  const { conversation } = opened;
  const [lastEventId, answer] = await positionAndSnapshot(deps, conversation, now, subscriber);
  // The same open again (a retry, a double click) is the conversation already open: no new probe.
  if (opened.outcome === 'opened') deps.freshProbe(conversation, answer);
  return { outcome: opened.outcome, conversation, diagnosis: answer, lastEventId };
}

/**
 * The stream position, then the snapshot: a client that follows from the position misses nothing after
 * the snapshot. On one Redis connection commands are answered in the order they are sent, so both go
 * at once with the position first. On a Cluster the snapshot's poll-state reads go to other masters over other sockets
 * and could be answered before it: there the position is awaited first.
 */
async function positionAndSnapshot<A>(
  deps: ConversationServiceDeps<A>,
  conversation: Conversation,
  now: number,
  subscriber: Subscriber,
): Promise<[string, SubscriberDiagnosis]> {
  if (deps.redis.isCluster) {
    const position = await deps.hub.position();
    return [position, await snapshotOf(deps, conversation, now, subscriber)];
  }
  return Promise.all([deps.hub.position(), snapshotOf(deps, conversation, now, subscriber)]);
}

/** A refused open: counted (vigil_http_rate_limited_total), with when to retry. */
async function limited<A>(
  deps: ConversationServiceDeps<A>,
  by: 'key' | 'subscriber',
  retryAfterMs: number,
): Promise<OpenAnswer> {
  const counted = deps.redis.pipeline();
  countInto(counted, deps.keys, 'vigil_http_rate_limited_total', { bucket: `conversation_${by}` });
  await counted.exec().catch(() => undefined);
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const message =
    by === 'key'
      ? `more than ${deps.opens.perKeyPerMinute} conversations a minute opened with this key; retry in ${seconds} s`
      : `more than ${deps.opens.perSubscriberPerMinute} conversations a minute opened for this subscriber; retry in ${seconds} s`;
  return {
    outcome: 'limited',
    retryAfterSeconds: seconds,
    error: new AppError('ERR_RATE_LIMITED', message, { retryable: true }),
  };
}

/** The diagnosis as the conversation's agent sees it: stored state, without the explain trace. */
function snapshotOf<A>(
  deps: ConversationServiceDeps<A>,
  c: Conversation,
  now: number,
  subscriber?: Subscriber,
) {
  return deps.diagnosis.subscriber(c.subscriberId, c.language, now, {
    explain: false,
    ...(subscriber ? { subscriber } : {}),
  });
}

export type ConversationService<A = unknown> = ReturnType<typeof createConversationService<A>>;
