import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/correlation/index.js';
import { createIncidentCache } from '../../src/diagnosis/incident-cache.js';

/** An incident store in memory (the Redis one is tested in incident-store tests) that counts its reads. */
function countingStore() {
  const records = new Map<string, Incident>();
  let version = 1;
  const reads: string[] = [];
  return {
    reads,
    put(incident: Incident) {
      records.set(incident.id, incident);
      version += 1;
    },
    version: () => Promise.resolve(String(version)),
    get: (id: string) => {
      reads.push(id);
      return Promise.resolve(records.get(id));
    },
  };
}
const incident = (id: string, note?: string) =>
  ({ id, kind: 'outage', rootDeviceId: 'bs-1', state: 'open', ...(note ? { note } : {}) }) as Incident;

describe('createIncidentCache', () => {
  it('reads an incident once while the store version holds, and afresh once it moved', async () => {
    const store = countingStore();
    store.put(incident('outage:bs-1'));
    const byId = createIncidentCache(store);
    const [first, second] = await Promise.all([byId('outage:bs-1'), byId('outage:bs-1')]);
    expect(second).toBe(first);
    expect(store.reads).toEqual(['outage:bs-1']);
    store.put(incident('outage:bs-1', 'crew on site'));
    expect(await byId('outage:bs-1')).toMatchObject({ note: 'crew on site' });
    expect(store.reads).toEqual(['outage:bs-1', 'outage:bs-1']);
  });

  it('does not hold an incident it did not find: it is read again, and found once written', async () => {
    const store = countingStore();
    const byId = createIncidentCache(store);
    expect(await byId('outage:an-9')).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await byId('outage:an-9')).toBeUndefined();
    expect(store.reads).toEqual(['outage:an-9', 'outage:an-9']);
  });
});
