import type { Incident } from '../correlation/index.js';
import type { IncidentStore } from './incident-store.js';

/**
 * The pending and open incidents as last read, re-read only when the store's version moved: a snapshot
 * per conversation opened would otherwise parse every open outage (20,000 subscriber ids apiece) again.
 * One GET per read; a write racing the read leaves newer data under an older version, which the next
 * read replaces, never the reverse.
 */
export function createActiveIncidentsCache(store: IncidentStore): () => Promise<Incident[]> {
  let held: { version: string; incidents: Promise<Incident[]> } | undefined;
  return async () => {
    const version = await store.version();
    if (held?.version !== version) {
      const incidents = store.active();
      held = { version, incidents };
      incidents.catch(() => {
        if (held?.incidents === incidents) held = undefined;
      });
    }
    return held.incidents;
  };
}
