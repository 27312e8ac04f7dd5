import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Inventory } from '../../src/inventory/index.js';
import { createDeviceStatusIndex, statusFacts } from '../../src/polling/device-status-index.js';
import type { PollService } from '../../src/polling/poll-service.js';
import { createPollerStateStore } from '../../src/polling/poller-state-store.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { createTestPollService, TEST_POLL_SHARDS } from '../helpers/test-poll-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { cardOverPollShards } from '../../src/platform/poll-shard-reads.js';
import { zaddInShards, zscoreInShard } from '../helpers/poll-shard-sets.js';

/**
 * A small inventory imported over a large one: the devices it drops leave the status and finding
 * indexes in the same switch, so /metrics and `?status=` / `?finding=` listings show only live
 * devices at once (no poll schedule sync has run in this file).
 */
describe('removed devices leave counts and listings with the import that removes them', () => {
  let t: TestApp;
  let sim: Simulator;
  let service: PollService;
  let closeService: () => Promise<void>;
  let subset: Inventory;
  let keptHealthy: Device;
  let keptStale: Device;
  let goneStale: Device;

  beforeAll(async () => {
    t = await buildTestApp();
    sim = await startTestSimulator({ firstOctet: 191, devices: 30, fanout: 9 });
    const built = await createTestPollService(sim, t.testRedis, { timeoutMs: 300 });
    service = built.service;
    closeService = built.close;
    const { devices } = sim.fleet.inventory;
    const cpes = devices.filter((d) => d.kind === 'cpe');
    [keptHealthy, keptStale] = [cpes[0] as Device, cpes[1] as Device];
    goneStale = cpes[cpes.length - 1] as Device;
    sim.addFault(keptStale.id, 'stale_uptime', { days: 40 });
    sim.addFault(goneStale.id, 'stale_uptime', { days: 40 });
    // The two kept CPEs with their ancestors, and one made-up CPE that was never in the inventory.
    const byId = new Map(devices.map((d) => [d.id, d]));
    const kept = new Map<string, Device>();
    for (const cpe of [keptHealthy, keptStale]) {
      for (let d: Device | undefined = cpe; d; d = d.parentId ? byId.get(d.parentId) : undefined)
        kept.set(d.id, d);
    }
    const newcomer: Device = { ...keptHealthy, id: 'cpe-newcomer', host: '127.0.0.1', port: 9 };
    kept.set(newcomer.id, newcomer);
    const keptDevices = [...kept.values()];
    subset = {
      sites: sim.fleet.inventory.sites.filter((s) => keptDevices.some((d) => d.site === s.id)),
      devices: keptDevices,
      subscribers: sim.fleet.inventory.subscribers.filter((s) => s.deviceIds.every((id) => kept.has(id))),
    };
  });

  afterAll(async () => {
    await closeService?.();
    await sim?.close();
    await t?.close();
  });

  async function statusCounts(): Promise<Record<string, number>> {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth.noc })).body;
    const counts: Record<string, number> = {};
    for (const m of text.matchAll(/^vigil_devices\{status="(\w+)"\} (\d+)$/gm))
      counts[m[1] as string] = Number(m[2]);
    for (const m of text.matchAll(/^vigil_findings_open\{kind="(\w+)"\} (\d+)$/gm))
      counts[`finding:${m[1] as string}`] = Number(m[2]);
    return counts;
  }

  /** Every page of a filtered device listing, following nextCursor; also every cursor named. */
  async function listAll(query: string, limit: number): Promise<{ ids: string[]; cursors: string[] }> {
    const ids: string[] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const url = `/v1/devices?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await t.app.inject({ method: 'GET', url, headers: t.auth.noc });
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: { id: string }[]; nextCursor?: string }>();
      ids.push(...page.items.map((d) => d.id));
      if (!page.nextCursor) return { ids, cursors };
      // A page that names a cursor is full: the listing never hands out an empty page to skip.
      expect(page.items).toHaveLength(limit);
      cursors.push(page.nextCursor);
      cursor = page.nextCursor;
    }
    throw new Error('the listing never ended');
  }

  it('counts the devices of an import as unknown before their first poll', async () => {
    const counts = await statusCounts();
    expect(counts.unknown).toBe(30);
    expect((await listAll('status=unknown', 7)).ids).toHaveLength(30);
  });

  it('forgets dropped devices in counts, ?status= and ?finding= the moment the import switches', async () => {
    await service.pollDevices(sim.fleet.inventory.devices.map((d) => d.id));
    const polled = await statusCounts();
    expect((polled.up ?? 0) + (polled.degraded ?? 0)).toBe(30);
    expect(polled['finding:stale_uptime']).toBe(2);

    const imported = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory?allowRemovals=true',
      headers: t.auth.admin,
      payload: subset,
    });
    expect(imported.statusCode).toBe(200);

    const liveIds = new Set(subset.devices.map((d) => d.id));
    const counts = await statusCounts();
    expect(counts).toMatchObject({
      unknown: 1, // the newcomer, never polled
      degraded: 1,
      down: 0,
      'finding:stale_uptime': 1,
    });
    expect(counts.up).toBe(liveIds.size - 2);

    const up = await listAll('status=up', 2);
    expect(up.ids.sort()).toEqual(
      [...liveIds].filter((id) => id !== keptStale.id && id !== 'cpe-newcomer').sort(),
    );
    expect(up.ids).toContain(keptHealthy.id);
    for (const cursor of up.cursors) expect(liveIds.has(cursor)).toBe(true);
    expect((await listAll('status=unknown', 5)).ids).toEqual(['cpe-newcomer']);
    expect((await listAll('finding=stale_uptime', 5)).ids).toEqual([keptStale.id]);
    expect((await listAll('finding=stale_uptime&status=degraded', 5)).ids).toEqual([keptStale.id]);
  });

  it('does not write back the state of a device removed while its poll ran', async () => {
    const { redis, keys } = t.testRedis;
    const states = createPollerStateStore(redis, keys, TEST_POLL_SHARDS);
    // A poll that loaded goneStale before the import and finishes after it: its write is refused.
    const before = (await states.load([goneStale.id])).get(goneStale.id);
    const { skipped } = await states.saveLive([
      {
        state: {
          probe: 'cpe-gpon',
          indices: {},
          detection: {
            deviceId: goneStale.id,
            reachable: true,
            consecutiveFailures: 99,
            findings: {},
          } as never,
        },
        change: {
          id: goneStale.id,
          before: statusFacts(undefined),
          after: { status: 'up', findingKinds: [] },
        },
      },
    ]);
    expect(skipped).toEqual([goneStale.id]);
    expect((await states.load([goneStale.id])).get(goneStale.id)).toEqual(before);
    for (const status of ['unknown', 'up', 'degraded', 'down'])
      expect(
        await zscoreInShard(redis, keys, (s) => keys.devicesByStatus(status, s), goneStale.id),
      ).toBeNull();
  });

  it('pages past dead index entries without skipping a live device, and heal drops them', async () => {
    const { redis, keys } = t.testRedis;
    // Entries an older version left behind: ids sorted before, between and after the live ones.
    const dead = ['aaa-dead-1', 'aaa-dead-2', 'aaa-dead-3', 'bs-0000-dead', 'cpe-00000-dead', 'zzz-dead'];
    await zaddInShards(
      redis,
      keys,
      (s) => keys.devicesByStatus('up', s),
      dead.map((id) => [0, id] as const),
    );
    await zaddInShards(redis, keys, (s) => keys.devicesByFinding('stale_uptime', s), [[0, 'aaa-dead-1']]);

    const liveUp = (await listAll('status=up', 100)).ids;
    for (const limit of [1, 2, 3]) {
      const listed = await listAll('status=up', limit);
      expect(listed.ids).toEqual(liveUp);
      for (const cursor of listed.cursors) expect(dead).not.toContain(cursor);
    }
    expect(liveUp).toContain(keptHealthy.id);

    const index = createDeviceStatusIndex(redis, keys);
    const healed = await index.heal(subset.devices.map((d) => d.id));
    expect(healed).toEqual({ dropped: dead.length + 1, added: 0 });
    expect(await cardOverPollShards(redis, keys, (s) => keys.devicesByStatus('up', s))).toBe(liveUp.length);
  });

  it('indexes a device dropped and imported again by its next poll, whatever state it kept', async () => {
    const { redis, keys } = t.testRedis;
    const again = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory?allowRemovals=true',
      headers: t.auth.admin,
      payload: sim.fleet.inventory,
    });
    expect(again.statusCode).toBe(200);
    const shard = keys.pollShardOf(goneStale.id);
    expect(await redis.zscore(keys.devicesByStatus('unknown', shard), goneStale.id)).not.toBeNull();
    await service.pollDevices([goneStale.id]);
    expect(await redis.zscore(keys.devicesByStatus('degraded', shard), goneStale.id)).not.toBeNull();
    expect(await redis.zscore(keys.devicesByStatus('unknown', shard), goneStale.id)).toBeNull();
    expect(await redis.zscore(keys.devicesByFinding('stale_uptime', shard), goneStale.id)).not.toBeNull();
  });
});
