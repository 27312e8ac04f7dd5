import type { StoredEvent } from '../events/vigil-event.js';
import type { Logger } from '../platform/logger.js';
import type { Conversation } from './conversation.js';
import { compareIds, type EventHub, type ResetReason } from './event-hub.js';
import { streamJson, type EventSink } from './sse-stream.js';
import { toApiTimes } from '../shared/api-times.js';

/** A client following a conversation, on either transport, for closing it with the conversation. */
interface FollowedStream {
  conversationId: string;
  close(): void;
}

export interface FollowerDeps {
  hub: EventHub;
  logger: Logger;
  heartbeatMs: number;
  /** Marks the conversation active (an open stream keeps it from idling out). */
  touch(conversationId: string): Promise<void>;
  /** The diagnosis as the conversation sees it now. */
  snapshot(conversation: Conversation): Promise<object>;
}

/** The clients following conversations on this API instance, whatever carries them (SSE, WebSocket). */
export function createFollowers(deps: FollowerDeps) {
  const streams = new Set<FollowedStream>();

  return {
    follow: (
      conversation: Conversation,
      lastEventId: string | undefined,
      open: (onClose: () => void) => EventSink,
    ) => follow(deps, streams, conversation, lastEventId, open),
    closeConversation(conversationId: string): void {
      for (const stream of streams) if (stream.conversationId === conversationId) stream.close();
    },
    closeAll(): void {
      for (const stream of streams) stream.close();
    },
  };
}

/**
 * One client following a conversation, whatever carries it (SSE or WebSocket). It subscribes before
 * it reads, so nothing published meanwhile is lost: live events wait in a buffer while the replay
 * after `lastEventId` goes out (or, fresh, the `diagnosis` snapshot; or, when the id cannot be
 * replayed from — malformed, in the future, older than the stream keeps, too far behind — a `reset`
 * carrying the same snapshot and the reason); then the buffer, then live. Ids only increase on the
 * wire, so an event both replayed and live goes out once. `open` makes the transport's sink; its
 * onClose (client gone, stream closed) unsubscribes.
 */
async function follow(
  deps: FollowerDeps,
  streams: Set<FollowedStream>,
  conversation: Conversation,
  lastEventId: string | undefined,
  open: (onClose: () => void) => EventSink,
): Promise<void> {
  let delivered = '0-0';
  const buffered: StoredEvent[] = [];
  let replaying = true;
  const transitions = new Set<string>();
  const send = (event: StoredEvent): void => {
    if (compareIds(event.id, delivered) <= 0) return;
    delivered = event.id;
    if (!firstTime(transitions, event)) return;
    sink.send({ id: event.id, type: event.type, json: streamJson(event) });
  };
  const unsubscribe = deps.hub.subscribe(conversation.subscriberId, (event) => {
    if (replaying) buffered.push(event);
    else send(event);
  });
  const touch = setInterval(() => {
    deps
      .touch(conversation.id)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'conversation touch failed'));
  }, deps.heartbeatMs);
  const stream: FollowedStream = { conversationId: conversation.id, close: () => sink.close() };
  const sink = open(() => {
    unsubscribe();
    clearInterval(touch);
    streams.delete(stream);
  });
  if (sink.closed) return;
  streams.add(stream);
  try {
    const replay =
      lastEventId === undefined ? undefined : await deps.hub.replay(conversation.subscriberId, lastEventId);
    if (replay === undefined || 'reset' in replay) {
      // The picture now, under the stream's position when we subscribed, so that a reconnect from its
      // id replays what came after it and nothing from before.
      delivered = await deps.hub.position();
      await sendSnapshot(deps, sink, conversation, delivered, replay?.reset);
    } else {
      delivered = lastEventId as string;
      for (const event of replay.events) send(event);
    }
  } catch (error) {
    deps.logger.warn({ err: error, conversation: conversation.id }, 'stream replay failed');
    sink.close();
    return;
  }
  replaying = false;
  for (const event of buffered.splice(0)) send(event);
}

/**
 * An action's start and finish reach a stream once each. Its store saves each transition once, but a
 * Redis restarted from its AOF may have lost the last second's writes, the event among them, after this
 * stream delivered it; the job then runs on and announces the transition again, under a new id.
 */
function firstTime(seen: Set<string>, event: StoredEvent): boolean {
  if (event.type !== 'action.started' && event.type !== 'action.finished') return true;
  const actionId = (event.data as { id?: unknown } | null)?.id;
  if (typeof actionId !== 'string') return true;
  const key = `${event.type} ${actionId}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** `diagnosis` for a fresh stream; `reset` (with its reason) for one that cannot resume. */
async function sendSnapshot(
  deps: FollowerDeps,
  sink: EventSink,
  conversation: Conversation,
  delivered: string,
  reset?: ResetReason,
): Promise<void> {
  const snapshot = await deps.snapshot(conversation);
  sink.send({
    id: delivered === '0-0' ? '0-1' : delivered,
    type: reset === undefined ? 'diagnosis' : 'reset',
    // Times as ISO 8601, like every answer and stored event on the streams (streamJson).
    data: toApiTimes({
      conversationId: conversation.id,
      ...(reset === undefined ? {} : { reason: reset }),
      ...snapshot,
    }),
  });
}
