import type { Incident } from '../correlation/index.js';
import type { IncidentStore } from './incident-store.js';

/** Incidents held at one store version: the ones NOC has open pages on, never the whole store. */
const MAX_HELD = 32;

/**
 * Incidents by id as last read, re-read only when the store's version moved (every step, ack and edit
 * moves it): a 20k-CPE outage's record is ~1 MB of JSON (its device and subscriber ids), ~20 ms to read
 * and parse, which each page of its tree and subscribers would otherwise pay. One GET per read; the
 * version is read before the record, so a write racing the read leaves newer data under an older
 * version, which the next read replaces, never the reverse. Missing incidents are not held.
 */
export function createIncidentCache(
  store: Pick<IncidentStore, 'get' | 'version'>,
): (id: string) => Promise<Incident | undefined> {
  let version: string | undefined;
  const held = new Map<string, Promise<Incident | undefined>>();
  return async (id) => {
    const current = await store.version();
    if (current !== version) {
      held.clear();
      version = current;
    }
    const hit = held.get(id);
    if (hit) return hit;
    if (held.size >= MAX_HELD) held.clear();
    const read = store.get(id);
    held.set(id, read);
    const forget = () => {
      if (held.get(id) === read) held.delete(id);
    };
    void read.then((incident) => {
      if (!incident) forget();
    }, forget);
    return read;
  };
}
