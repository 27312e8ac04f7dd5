import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHub, MAX_REPLAY_ENTRIES } from '../../src/conversations/event-hub.js';
import { appendEvent, publishEvents } from '../../src/events/event-log.js';
import type { EventType } from '../../src/events/vigil-event.js';
import { createInventoryStore } from '../../src/inventory/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { connectSse, type SseClient } from '../helpers/sse-client.js';

/**
 * A console reconnecting with Last-Event-ID (issue 11): an id the stream still holds replays what was
 * missed; an id older than the stream keeps, in the future or malformed gets a `reset` at once, with
 * the snapshot the open returns, and the stream goes on live from there. Replay reads the stream in
 * bounded pages and never more than MAX_REPLAY_ENTRIES. The app listens on real HTTP over real Redis.
 */
const inventory = {
  sites: [{ id: 'site-1', name: 'Tver, Lenina 1' }],
  devices: ['cpe-1', 'cpe-2'].map((id) => ({
    id,
    kind: 'cpe',
    parentId: null,
    site: 'site-1',
    model: 'HG8245',
    profile: 'cpe-gpon',
    host: '127.0.0.1',
    port: 161,
    auth: 'sim',
  })),
  subscribers: [
    { id: 'sub-1', name: 'Subscriber 1', deviceIds: ['cpe-1'] },
    { id: 'sub-2', name: 'Subscriber 2', deviceIds: ['cpe-2'] },
  ],
};

let t: TestApp;
let url: string;
const streams: SseClient[] = [];
beforeAll(async () => {
  t = await buildTestApp();
  await createInventoryStore({ redis: t.testRedis.redis, keys: t.testRedis.keys }).importInventory(
    inventory as never,
  );
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await t?.close();
});

let channel = 0;
async function open(subscriberId: string): Promise<{ id: string; lastEventId: string }> {
  const answer = await t.app.inject({
    method: 'POST',
    url: '/v1/conversations',
    headers: t.auth.agent,
    // A channel each, so every open is a conversation of its own.
    payload: { subscriberId, channel: `c${(channel += 1)}`, agentId: 'a-1' },
  });
  expect(answer.statusCode).toBe(201);
  const body = answer.json<{ conversation: { id: string }; lastEventId: string }>();
  return { id: body.conversation.id, lastEventId: body.lastEventId };
}

async function publish(
  subscriberId: string,
  n = 1,
  type: EventType = 'suggestion.created',
): Promise<string[]> {
  const { redis, keys } = t.testRedis;
  for (let i = 0; i < n; i++)
    await publishEvents(redis, keys, [
      { type, at: Date.now(), subscriberIds: [subscriberId], deviceIds: [], data: { id: `s-${i}` } },
    ]);
  return (await redis.xrevrange(keys.events(), '+', '-', 'COUNT', n)).map(([id]) => id).reverse();
}

async function follow(conversationId: string, lastEventId?: string, how: 'header' | 'query' = 'header') {
  const query =
    how === 'query' && lastEventId !== undefined ? `?lastEventId=${encodeURIComponent(lastEventId)}` : '';
  const stream = await connectSse(`${url}/v1/conversations/${conversationId}/events${query}`, {
    ...t.auth.agent,
    ...(how === 'header' && lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}),
  });
  streams.push(stream);
  expect(stream.status).toBe(200);
  return stream;
}

describe('resuming a conversation stream', () => {
  it('replays what was missed from an id the stream keeps, and no reset', async () => {
    const opened = await open('sub-1');
    await publish('sub-2', 3);
    const missed = await publish('sub-1', 2);
    const stream = await follow(opened.id, opened.lastEventId);
    await stream.waitFor((e) => e.id === missed[1]);
    expect(stream.events.map((e) => [e.type, e.id])).toEqual(missed.map((id) => ['suggestion.created', id]));
  });

  it('answers an id older than the stream keeps with a reset carrying the snapshot, then goes on live', async () => {
    const opened = await open('sub-1');
    const [old] = await publish('sub-1', 5);
    // Retention took everything up to the last two entries.
    await t.testRedis.redis.xtrim(t.testRedis.keys.events(), 'MAXLEN', 2);
    const stream = await follow(opened.id, old);
    const reset = await stream.waitFor(() => true);
    expect(reset.type).toBe('reset');
    expect(reset.data).toMatchObject({
      reason: 'expired',
      conversationId: opened.id,
      subscriber: { id: 'sub-1' },
    });
    const [live] = await publish('sub-1');
    await stream.waitFor((e) => e.id === live);
    expect(stream.events.map((e) => e.type)).toEqual(['reset', 'suggestion.created']);
  });

  it('answers an id in the future with a reset, then goes on live', async () => {
    const opened = await open('sub-2');
    const stream = await follow(opened.id, `${Date.now() + 3_600_000}-0`);
    expect(await stream.waitFor(() => true)).toMatchObject({ type: 'reset', data: { reason: 'future' } });
    const [live] = await publish('sub-2');
    expect((await stream.waitFor((e) => e.id === live)).type).toBe('suggestion.created');
  });

  it('answers a malformed id, in the header or the query, with a reset rather than an error', async () => {
    const opened = await open('sub-2');
    for (const how of ['header', 'query'] as const) {
      const stream = await follow(opened.id, 'yesterday', how);
      expect(await stream.waitFor(() => true)).toMatchObject({
        type: 'reset',
        data: { reason: 'malformed', subscriber: { id: 'sub-2' } },
      });
    }
  });
});

describe('an action announced again after Redis lost its first announcement', () => {
  it('reaches a live stream once per transition; another action and other events still pass', async () => {
    const opened = await open('sub-1');
    const stream = await follow(opened.id, opened.lastEventId);
    const { redis, keys } = t.testRedis;
    const finished = (actionId: string, result: string) => ({
      type: 'action.finished' as const,
      at: Date.now(),
      subscriberIds: ['sub-1'],
      deviceIds: ['cpe-1'],
      data: { id: actionId, state: result },
    });
    await publishEvents(redis, keys, [finished('act-1', 'succeeded')]);
    await publishEvents(redis, keys, [finished('act-1', 'succeeded'), finished('act-2', 'failed')]);
    const [last] = await publish('sub-1');
    await stream.waitFor((e) => e.id === last);
    expect(stream.events.map((e) => [e.type, (e.data as { id: string }).id])).toEqual([
      ['action.finished', 'act-1'],
      ['action.finished', 'act-2'],
      ['suggestion.created', 's-0'],
    ]);
  });
});

describe('the event hub replay', () => {
  it('reads no entry for an id it cannot resume from, and at most MAX_REPLAY_ENTRIES for one far behind', async () => {
    const { keys } = t.testRedis;
    // Its own stream key space: the hub reads `keys.events()`, filled here past the replay bound.
    // Connections of its own, to a single Redis or a cluster alike (REDIS_URL).
    const redis = t.testRedis.redis.duplicate();
    const reader = t.testRedis.redis.duplicate();
    let read = 0;
    let ranges = 0;
    const counted = new Proxy(redis, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'xrange' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          ranges += 1;
          const xrange = value as (...a: unknown[]) => Promise<unknown[]>;
          const entries = await xrange.apply(target, args);
          read += entries.length;
          return entries;
        };
      },
    });
    const hub = createEventHub({ redis: counted, reader, keys, logger: createLogger({ level: 'silent' }) });
    try {
      await redis.del(keys.events());
      const total = MAX_REPLAY_ENTRIES + 2_000;
      for (let done = 0; done < total; done += 2_000) {
        const pipeline = redis.pipeline();
        for (let i = 0; i < 2_000; i++) {
          const type: EventType = 'incident.updated';
          appendEvent(pipeline, keys, {
            type,
            at: 0,
            subscriberIds: [(done + i) % 1_000 === 0 ? 'sub-far' : 'sub-other'],
            deviceIds: [],
            data: { n: done + i },
          });
        }
        await pipeline.exec();
      }
      const [[first] = ['']] = await redis.xrange(keys.events(), '-', '+', 'COUNT', 1);

      expect(await hub.replay('sub-far', first)).toEqual({ reset: 'too_far' });
      expect(read).toBeGreaterThanOrEqual(MAX_REPLAY_ENTRIES);
      expect(read).toBeLessThanOrEqual(MAX_REPLAY_ENTRIES + 500);

      // Recent ids replay in full, and only the subscriber's events.
      const recent = await redis.xrevrange(keys.events(), '+', '-', 'COUNT', 1_500);
      const from = recent.at(-1)![0];
      const replayed = await hub.replay('sub-far', from);
      expect('events' in replayed && replayed.events.map((e) => (e.data as { n: number }).n)).toEqual([
        MAX_REPLAY_ENTRIES + 1_000,
      ]);

      read = 0;
      ranges = 0;
      await redis.xtrim(keys.events(), 'MAXLEN', 1_000);
      expect(await hub.replay('sub-far', first)).toEqual({ reset: 'expired' });
      expect(await hub.replay('sub-far', 'yesterday')).toEqual({ reset: 'malformed' });
      expect(await hub.replay('sub-far', '99999999999999-0')).toEqual({ reset: 'future' });
      expect([ranges, read]).toEqual([0, 0]);
    } finally {
      await hub.stop();
      redis.disconnect();
    }
  });
});
