import type { Redis } from 'ioredis';
import type { SuggestionRecord } from '../../diagnosis/suggestion-record.js';
import { readEvents } from '../../events/event-log.js';
import type { RedisKeys } from '../../platform/redis-keys.js';

export interface EventTally {
  counts: Record<string, number>;
  createdByKind: Record<string, number>;
  withdrawnByKind: Record<string, number>;
  affectedDevices: number;
  affectedSubscribers: number;
}

/** Every event on the outward stream after `afterId`, counted by type (and suggestion kind). */
export async function tallyEvents(
  redis: Redis,
  keys: RedisKeys,
  afterId: string,
): Promise<{ last: string; tally: EventTally }> {
  const tally: EventTally = {
    counts: {},
    createdByKind: {},
    withdrawnByKind: {},
    affectedDevices: 0,
    affectedSubscribers: 0,
  };
  let last = afterId;
  for (;;) {
    const events = await readEvents(redis, keys, last, 10_000);
    for (const event of events) {
      tally.counts[event.type] = (tally.counts[event.type] ?? 0) + 1;
      if (event.type === 'suggestion.created' || event.type === 'suggestion.withdrawn') {
        const kind = (event.data as SuggestionRecord).kind;
        const into = event.type === 'suggestion.created' ? tally.createdByKind : tally.withdrawnByKind;
        into[kind] = (into[kind] ?? 0) + 1;
      }
      if (event.type === 'incident.opened') {
        tally.affectedDevices = event.deviceIds.length;
        tally.affectedSubscribers = event.subscriberIds.length;
      }
    }
    if (events.length === 0) break;
    last = events.at(-1)?.id ?? last;
    if (events.length < 10_000) break;
  }
  return { last, tally };
}
