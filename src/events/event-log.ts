import type { ChainableCommander, Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { EVENT_TYPES, type EventType, type StoredEvent, type VigilEvent } from './vigil-event.js';

/** About a day of a busy fleet's events: enough for a reconnecting console to replay, capped for memory. */
export const EVENTS_MAXLEN = 200_000;

/** An event's fields as the outward stream stores them (decodeEventHead reads them back). */
export function eventFields(event: VigilEvent): string[] {
  return [
    'type',
    event.type,
    'at',
    String(event.at),
    'subscribers',
    event.subscriberIds.join(','),
    'devices',
    event.deviceIds.join(','),
    'data',
    JSON.stringify(event.data),
  ];
}

/** Appends to the outward event stream, inside the caller's pipeline so events land with the state they describe. */
export function appendEvent(pipeline: ChainableCommander, keys: RedisKeys, event: VigilEvent): void {
  pipeline.xadd(keys.events(), 'MAXLEN', '~', String(EVENTS_MAXLEN), '*', ...eventFields(event));
}

export async function publishEvents(
  redis: Redis,
  keys: RedisKeys,
  events: readonly VigilEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const pipeline = redis.pipeline();
  for (const event of events) appendEvent(pipeline, keys, event);
  await pipeline.exec();
}

/** Events after `afterId` ('0' for the oldest kept), oldest first. */
export async function readEvents(
  redis: Redis,
  keys: RedisKeys,
  afterId: string,
  count = 1000,
): Promise<StoredEvent[]> {
  const entries = await redis.xrange(keys.events(), `(${afterId}`, '+', 'COUNT', count);
  return entries.flatMap(([id, fields]) => {
    const event = decodeEvent(id, fields);
    return event ? [event] : [];
  });
}

/** The newest event id, or '0-0' when the stream is empty: where a new reader starts. */
export async function lastEventId(redis: Redis, keys: RedisKeys): Promise<string> {
  const [newest] = await redis.xrevrange(keys.events(), '+', '-', 'COUNT', 1);
  return newest?.[0] ?? '0-0';
}

/** A stored event before its data is parsed: enough to route it (type, subscribers, devices). */
export type EventHead = Omit<StoredEvent, 'data'> & { dataJson: string };

/**
 * The routing fields of a stored event, its data left as JSON: a reader that finds nobody to give the
 * event to never pays for parsing it (an outage's data names every affected subscriber).
 */
export function decodeEventHead(id: string, fields: string[]): EventHead | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const type = map.get('type');
  if (!type || !(EVENT_TYPES as readonly string[]).includes(type)) return undefined;
  const split = (value: string | undefined): string[] => (value ? value.split(',') : []);
  return {
    id,
    type: type as EventType,
    at: Number(map.get('at')),
    subscriberIds: split(map.get('subscribers')),
    deviceIds: split(map.get('devices')),
    dataJson: map.get('data') ?? 'null',
  };
}

/** The event with its data parsed. */
export function withData(head: EventHead): StoredEvent {
  const { dataJson, ...rest } = head;
  return { ...rest, data: JSON.parse(dataJson) as unknown };
}

export function decodeEvent(id: string, fields: string[]): StoredEvent | undefined {
  const head = decodeEventHead(id, fields);
  return head ? withData(head) : undefined;
}
