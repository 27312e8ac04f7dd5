import type { Redis } from 'ioredis';
import { decodeEvent, lastEventId } from '../events/event-log.js';
import type { StoredEvent } from '../events/vigil-event.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';

export type EventListener = (event: StoredEvent) => void;

/** How far back a reconnecting stream may replay, in stream entries scanned (about an hour of a busy fleet). */
const MAX_REPLAY_SCAN = 50_000;

/**
 * One tail of the outward event stream per API process, fanned out in memory to the streams connected
 * here, by subscriber. Every instance tails the same Redis stream, so an event produced anywhere reaches
 * a conversation wherever its stream is connected; a reconnect replays from the stream by id.
 */
export function createEventHub(deps: { redis: Redis; reader: Redis; keys: RedisKeys; logger: Logger }) {
  const { redis, reader, keys } = deps;
  const log = deps.logger.child({ module: 'event-hub' });
  const listeners = new Map<string, Set<EventListener>>();
  let running = false;
  let loop: Promise<void> | undefined;
  let position = '$';

  async function tail(): Promise<void> {
    let positioned = false;
    while (running) {
      try {
        if (!positioned) {
          position = await lastEventId(redis, keys);
          positioned = true;
        }
        const reply = await reader.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', keys.events(), position);
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            position = id;
            const event = decodeEvent(id, fields);
            if (event) dispatch(event);
          }
        }
      } catch (error) {
        if (!running) return;
        log.warn({ err: error }, 'event stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  function dispatch(event: StoredEvent): void {
    if (listeners.size === 0) return;
    // An outage names thousands of subscribers and few have a stream here: walk the smaller side.
    if (event.subscriberIds.length > listeners.size) {
      const concerned = new Set(event.subscriberIds);
      for (const [subscriberId, set] of listeners) if (concerned.has(subscriberId)) deliver(set, event);
    } else {
      for (const subscriberId of event.subscriberIds) {
        const set = listeners.get(subscriberId);
        if (set) deliver(set, event);
      }
    }
  }

  function deliver(set: Set<EventListener>, event: StoredEvent): void {
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        log.error({ err: error }, 'event listener failed');
      }
    }
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      loop = tail();
    },
    async stop(): Promise<void> {
      running = false;
      reader.disconnect();
      await loop;
    },
    /** Live events for one subscriber from now on; returns the unsubscribe. */
    subscribe(subscriberId: string, listener: EventListener): () => void {
      const set = listeners.get(subscriberId) ?? new Set();
      set.add(listener);
      listeners.set(subscriberId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(subscriberId);
      };
    },
    /** The stream's newest id: where a fresh stream starts. */
    position: (): Promise<string> => lastEventId(redis, keys),
    /**
     * One subscriber's events after `afterId`, oldest first, scanning at most MAX_REPLAY_SCAN entries;
     * `complete` is false when the scan stopped short (or the id is older than the stream keeps).
     */
    async replay(
      subscriberId: string,
      afterId: string,
    ): Promise<{ events: StoredEvent[]; complete: boolean }> {
      const events: StoredEvent[] = [];
      let cursor = afterId;
      let scanned = 0;
      const [oldest] = await redis.xrange(keys.events(), '-', '+', 'COUNT', 1);
      const complete = oldest === undefined || compareIds(oldest[0], afterId) <= 0 || afterId === '0';
      while (scanned < MAX_REPLAY_SCAN) {
        const batch = await redis.xrange(keys.events(), `(${cursor}`, '+', 'COUNT', 2000);
        if (batch.length === 0) return { events, complete };
        for (const [id, fields] of batch) {
          cursor = id;
          const event = decodeEvent(id, fields);
          if (event?.subscriberIds.includes(subscriberId)) events.push(event);
        }
        scanned += batch.length;
      }
      return { events, complete: false };
    },
    listening: (): number => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
  };
}

export type EventHub = ReturnType<typeof createEventHub>;

/** Orders Redis stream ids ("<ms>-<seq>"). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export const STREAM_ID_PATTERN = /^\d{1,20}-\d{1,20}$/;
