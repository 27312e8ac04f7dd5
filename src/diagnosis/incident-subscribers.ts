import type { Redis } from 'ioredis';
import type { Incident } from '../correlation/index.js';
import type { InventoryStore } from '../inventory/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';

/** One affected subscriber as NOC sees it in an outage: who, behind what, and whether they are talking to us. */
export interface IncidentSubscriber {
  id: string;
  name?: string;
  account?: string;
  deviceIds: string[];
  /** Conversations open with an agent now (any channel): the subscribers already calling. */
  openConversations: number;
}

export interface IncidentSubscriberPage {
  incidentId: string;
  /** Every affected subscriber, not only this page. */
  total: number;
  items: IncidentSubscriber[];
  nextCursor?: string;
}

/** Ids per pipeline when counting open conversations. */
const CHUNK = 5000;

/**
 * A page of an incident's affected subscribers in id order (the incident keeps them sorted): the
 * cursor is the last id of the previous page, base64url, found by binary search, so page 200 of a
 * 20k-subscriber outage costs what page 1 does.
 */
export async function incidentSubscriberPage(
  deps: { redis: Redis; keys: RedisKeys; inventory: InventoryStore },
  incident: Incident,
  query: { cursor?: string; limit: number },
): Promise<IncidentSubscriberPage> {
  const ids = incident.affectedSubscriberIds;
  const start = query.cursor === undefined ? 0 : firstAfter(ids, decodeCursor(query.cursor));
  const pageIds = ids.slice(start, start + query.limit);
  const [records, open] = await Promise.all([
    deps.inventory.getSubscribers(pageIds),
    openConversationCounts(deps.redis, deps.keys, pageIds),
  ]);
  const items = pageIds.map((id, i): IncidentSubscriber => {
    const s = records[i];
    return {
      id,
      ...(s?.name ? { name: s.name } : {}),
      ...(s?.account ? { account: s.account } : {}),
      deviceIds: s?.deviceIds ?? [],
      openConversations: open[i] ?? 0,
    };
  });
  const last = pageIds[pageIds.length - 1];
  const more = start + query.limit < ids.length && last !== undefined;
  return {
    incidentId: incident.id,
    total: ids.length,
    items,
    ...(more ? { nextCursor: Buffer.from(last).toString('base64url') } : {}),
  };
}

async function openConversationCounts(
  redis: Redis,
  keys: RedisKeys,
  ids: readonly string[],
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(i, i + CHUNK)) pipeline.scard(keys.subscriberConversations(id));
    for (const [error, n] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      out.push(n as number);
    }
  }
  return out;
}

/** Index of the first id greater than `after` in a sorted list. */
function firstAfter(sorted: readonly string[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? '') <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The cursor is one this API wrote: base64url of an id, re-encoding to itself. */
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  const control = [...id].some((c) => c.charCodeAt(0) < 0x20);
  if (id === '' || control || Buffer.from(id).toString('base64url') !== cursor)
    throw new AppError('ERR_INCIDENT_QUERY_INVALID', 'cursor is not one this API returned');
  return id;
}
