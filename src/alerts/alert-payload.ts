import type { StoredEvent } from '../events/vigil-event.js';
import { toApiTimes } from '../shared/api-times.js';
import { INLINE_SUBSCRIBERS, type AlertEvent, type AlertPayload } from './webhook.js';

/**
 * An incident event as receivers get it; a long subscriber list becomes a count and a link, and times are
 * ISO 8601 like every answer of the API (shared/api-times.ts).
 */
export function alertPayload(event: StoredEvent & { type: AlertEvent }): AlertPayload {
  const { affectedSubscriberIds = [], ...incident } = event.data as {
    affectedSubscriberIds?: string[];
    id: string;
  };
  const count = affectedSubscriberIds.length;
  return {
    id: event.id,
    type: event.type,
    at: new Date(event.at).toISOString(),
    incident: toApiTimes(incident),
    affectedSubscribers:
      count <= INLINE_SUBSCRIBERS
        ? { count, ids: affectedSubscriberIds }
        : { count, href: `/v1/incidents/${encodeURIComponent(incident.id)}` },
  };
}
