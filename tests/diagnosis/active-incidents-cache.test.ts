import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setEtaNote, type Incident } from '../../src/correlation/index.js';
import { createActiveIncidentsCache } from '../../src/diagnosis/active-incidents-cache.js';
import { createIncidentStore } from '../../src/diagnosis/incident-store.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

const outage = (root: string, subscribers: number): Incident => ({
  id: `outage:${root}`,
  kind: 'outage',
  state: 'open',
  rootDeviceId: root,
  cause: 'parent_down',
  openedAt: 1_000,
  updatedAt: 1_000,
  affectedDeviceIds: [root],
  affectedSubscriberIds: Array.from({ length: subscribers }, (_, i) => `sub-${i}`),
  suppressAlerts: false,
});

/** Conversation snapshots read the active incidents through this cache: fresh after every write. */
describe('active incidents, read again only when written', () => {
  let t: TestRedis;
  beforeAll(async () => {
    t = await createTestRedis();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves what it read while nothing is written, and the new version after a step or an edit', async () => {
    const store = createIncidentStore(t.redis, t.keys);
    const read = createActiveIncidentsCache(store);
    expect(await read()).toEqual([]);
    const first = outage('bs-1', 20_000);
    await store.saveStep([], [first], [{ type: 'opened', at: 1_000, incident: first }]);
    const once = await read();
    expect(once.map((i) => i.id)).toEqual(['outage:bs-1']);
    expect(await read()).toBe(once);
    await store.edit('outage:bs-1', (i) => setEtaNote(i, { eta: '2026-01-15T12:00:00Z' }, 2_000));
    const edited = await read();
    expect(edited).not.toBe(once);
    expect(edited[0]?.eta).toBe('2026-01-15T12:00:00Z');
    await store.saveStep(
      edited,
      [],
      [{ type: 'resolved', at: 3_000, incident: { ...edited[0]!, state: 'resolved' } }],
    );
    expect(await read()).toEqual([]);
  });
});
