import type { Redis } from 'ioredis';
import { decodeEvent, decodeEventHead, lastEventId, withData } from '../events/event-log.js';
import type { StoredEvent } from '../events/vigil-event.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { stopReaderLoop } from '../platform/stop-reader-loop.js';

export type EventListener = (event: StoredEvent) => void;

/**
 * How far back a reconnecting stream may replay, in stream entries read (minutes of a busy fleet); past
 * it the client gets a `reset` with the picture now. Read in pages, each one Redis round trip, so one
 * replay holds the event loop a few milliseconds at a time, and ten at once cannot stall it.
 */
export const MAX_REPLAY_ENTRIES = 10_000;
const REPLAY_PAGE = 500;

/**
 * Why a reconnecting client gets a `reset` (the picture now) instead of the events it missed:
 * `malformed` (not an event id), `future` (newer than any event: another Redis, or a forged id),
 * `expired` (older than the stream keeps: events after it are gone), `too_far` (more than
 * MAX_REPLAY_ENTRIES events behind).
 */
export type ResetReason = 'malformed' | 'future' | 'expired' | 'too_far';

export type Replay = { events: StoredEvent[] } | { reset: ResetReason };

/**
 * One tail of the outward event stream per API process, fanned out in memory to the streams connected
 * here, by subscriber. Every instance tails the same Redis stream, so an event produced anywhere reaches
 * a conversation wherever its stream is connected; a reconnect replays from the stream by id.
 */
export interface EventHubDeps {
  redis: Redis;
  /** A connection of its own: XREAD BLOCK holds it while waiting. */
  reader: Redis;
  keys: RedisKeys;
  logger: Logger;
}

export function createEventHub(deps: EventHubDeps): EventHub {
  return new EventHub(deps);
}

export class EventHub {
  private readonly log: Logger;
  private readonly listeners = new Map<string, Set<EventListener>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private cursor = '$';

  constructor(private readonly deps: EventHubDeps) {
    this.log = deps.logger.child({ module: 'event-hub' });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.tail();
  }

  async stop(): Promise<void> {
    this.running = false;
    await stopReaderLoop(this.deps.reader, this.loop);
  }

  /** Live events for one subscriber from now on; returns the unsubscribe. */
  subscribe(subscriberId: string, listener: EventListener): () => void {
    const set = this.listeners.get(subscriberId) ?? new Set();
    set.add(listener);
    this.listeners.set(subscriberId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(subscriberId);
    };
  }

  /** The stream's newest id: where a fresh stream starts. */
  position(): Promise<string> {
    return lastEventId(this.deps.redis, this.deps.keys);
  }

  /**
   * One subscriber's events after `afterId`, oldest first, up to the stream's end now; or why the
   * client must start again from a snapshot.
   */
  replay(subscriberId: string, afterId: string): Promise<Replay> {
    return replayEvents(this.deps.redis, this.deps.keys, subscriberId, afterId);
  }

  listening(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  private async tail(): Promise<void> {
    const { redis, reader, keys } = this.deps;
    let positioned = false;
    while (this.running) {
      try {
        if (!positioned) {
          this.cursor = await lastEventId(redis, keys);
          positioned = true;
        }
        const reply = await reader.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', keys.events(), this.cursor);
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.cursor = id;
            if (this.listeners.size > 0) this.dispatch(id, fields);
          }
        }
      } catch (error) {
        if (!this.running) return;
        this.log.warn({ err: error }, 'event stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** Gives the event to the streams of the subscribers it names; its data is parsed only if one listens. */
  private dispatch(id: string, fields: string[]): void {
    const head = decodeEventHead(id, fields);
    if (!head) return;
    const recipients: Set<EventListener>[] = [];
    // An outage names thousands of subscribers and few have a stream here: walk the smaller side.
    if (head.subscriberIds.length > this.listeners.size) {
      const concerned = new Set(head.subscriberIds);
      for (const [subscriberId, set] of this.listeners) if (concerned.has(subscriberId)) recipients.push(set);
    } else {
      for (const subscriberId of head.subscriberIds) {
        const set = this.listeners.get(subscriberId);
        if (set) recipients.push(set);
      }
    }
    if (recipients.length === 0) return;
    const event = withData(head);
    for (const set of recipients) this.deliver(set, event);
  }

  private deliver(set: Set<EventListener>, event: StoredEvent): void {
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: error }, 'event listener failed');
      }
    }
  }
}

/**
 * One subscriber's events after `afterId`, or why the client must start again from a snapshot. Decided
 * first from the stream's head alone (XINFO STREAM: one O(1) call), so an id too old, in the future or
 * malformed costs no scan at all.
 */
async function replayEvents(
  redis: Redis,
  keys: RedisKeys,
  subscriberId: string,
  afterId: string,
): Promise<Replay> {
  if (!STREAM_ID_PATTERN.test(afterId)) return { reset: 'malformed' };
  const head = await streamHead(redis, keys.events());
  if (compareIds(afterId, head.lastId) > 0) return { reset: 'future' };
  if (head.lostAfter !== undefined && compareIds(afterId, head.lostAfter) < 0) return { reset: 'expired' };
  const events: StoredEvent[] = [];
  let cursor = afterId;
  for (let read = 0; compareIds(cursor, head.lastId) < 0;) {
    if (read >= MAX_REPLAY_ENTRIES) return { reset: 'too_far' };
    const page = await redis.xrange(keys.events(), `(${cursor}`, head.lastId, 'COUNT', REPLAY_PAGE);
    if (page.length === 0) break;
    read += page.length;
    for (const [id, fields] of page) {
      cursor = id;
      // The subscriber list first: most events concern others, and their data need not be parsed.
      if (!concerns(fields, subscriberId)) continue;
      const event = decodeEvent(id, fields);
      if (event) events.push(event);
    }
  }
  return { events };
}

/** Orders Redis stream ids ("<ms>-<seq>"). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export const STREAM_ID_PATTERN = /^\d{1,20}-\d{1,20}$/;

/**
 * What replay needs from the stream's head: its newest id, and the id before which entries may be
 * gone. Retention trims the oldest entries, so once any was trimmed (Redis 7 says so: `entries-added`
 * exceeds `length`; before 7, assume it was) an id older than the first entry kept may have lost
 * some; and `max-deleted-entry-id` (Redis 7) names the newest one deleted by hand. No stream at all:
 * nothing was ever kept.
 */
async function streamHead(redis: Redis, key: string): Promise<{ lastId: string; lostAfter?: string }> {
  let info: unknown[];
  try {
    info = (await redis.xinfo('STREAM', key)) as unknown[];
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) return { lastId: '0-0' };
    throw error;
  }
  const field = (name: string): unknown => {
    const at = info.indexOf(name);
    return at >= 0 && at % 2 === 0 ? info[at + 1] : undefined;
  };
  const last = field('last-generated-id');
  const lastId = typeof last === 'string' ? last : '0-0';
  const first = field('first-entry');
  const firstId = Array.isArray(first) && typeof first[0] === 'string' ? first[0] : lastId;
  const added = field('entries-added');
  const trimmed = added === undefined || Number(added) > Number(field('length'));
  const maxDeleted = field('max-deleted-entry-id');
  const lost = [trimmed ? firstId : '0-0', typeof maxDeleted === 'string' ? maxDeleted : '0-0'].sort(
    compareIds,
  );
  const lostAfter = lost[1] ?? '0-0';
  return lostAfter === '0-0' ? { lastId } : { lastId, lostAfter };
}

/** Whether an entry's `subscribers` field (comma-separated ids) names the subscriber. */
function concerns(fields: string[], subscriberId: string): boolean {
  for (let i = 0; i + 1 < fields.length; i += 2)
    if (fields[i] === 'subscribers') return `,${fields[i + 1] as string},`.includes(`,${subscriberId},`);
  return false;
}
