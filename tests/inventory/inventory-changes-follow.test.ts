import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Subscriber } from '../../src/inventory/index.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { until } from '../helpers/wait.js';

/**
 * `vigil serve` (api, poller, worker) on a simulator, with the pollers' periodic schedule sync turned
 * off (once an hour): whatever follows an inventory change here follows it because the change itself
 * told the pollers. A deleted device leaves the schedule and every finding listing at once, a device
 * added is polled at once, and a CPE moved to another parent counts under it in that parent's outage.
 */
describe('the service follows incremental inventory changes at once', () => {
  let sim: Simulator;
  let redis: TestRedis;
  let service: TestService;
  let devices: Device[];
  let subscribers: Subscriber[];

  beforeAll(async () => {
    sim = await startTestSimulator({ firstOctet: 186, devices: 30, fanout: 9 });
    redis = await createTestRedis();
    service = await startTestService(
      sim,
      redis.prefix,
      undefined,
      // Load shedding off: this file's service shares two busy cores with other test files.
      {
        VIGIL_POLL_SYNC_SECONDS: '3600',
        VIGIL_SHED_EVENT_LOOP_DELAY_MS: '0',
        VIGIL_SHED_EVENT_LOOP_UTILIZATION: '0',
      },
      { intervalSeconds: 1 },
    );
    devices = sim.fleet.inventory.devices;
    subscribers = sim.fleet.inventory.subscribers;
  }, 90_000);

  afterAll(async () => {
    await service?.close();
    await sim?.close();
    await redis?.close();
  });

  const state = async (id: string) =>
    (await service.api<{ state?: { status: string } }>('GET', `/v1/devices/${id}`, 'noc')).body?.state
      ?.status;
  const withFinding = async (kind: string) =>
    (
      await service.api<{ items: { id: string }[] }>('GET', `/v1/devices?finding=${kind}`, 'noc')
    ).body.items.map((d) => d.id);
  /** Whether the poll schedule (every shard) holds the device. */
  const scheduled = async (id: string): Promise<boolean> => {
    for (let shard = 0; shard < 8; shard++) {
      const members = await redis.redis.zrange(redis.keys.pollDue(shard), 0, -1);
      if (members.some((m) => m.endsWith(`:${id}`))) return true;
    }
    return false;
  };
  const batch = async (...lines: object[]) => {
    const response = await fetch(`${service.url}/v1/inventory/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.keys.admin}`, 'content-type': 'application/x-ndjson' },
      body: lines.map((l) => JSON.stringify(l)).join('\n'),
    });
    return { status: response.status, body: await response.json() };
  };

  it('deletes a CPE with an open finding: gone from the findings and the schedule, then polled again once re-added', async () => {
    const cpe = devices.filter((d) => d.kind === 'cpe').at(-1) as Device;
    const owners = subscribers.filter((s) => s.deviceIds.includes(cpe.id));
    sim.addFault(cpe.id, 'stale_uptime', { days: 40 });
    await until(async () => (await withFinding('stale_uptime')).includes(cpe.id), {
      timeoutMs: 30_000,
      what: `stale_uptime open on ${cpe.id}`,
    });
    expect(await scheduled(cpe.id)).toBe(true);

    const deleted = await batch(...owners.map((s) => ({ op: 'delete', kind: 'subscriber', id: s.id })), {
      op: 'delete',
      kind: 'device',
      id: cpe.id,
    });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect((await service.api('GET', `/v1/devices/${cpe.id}`, 'noc')).status).toBe(404);
    expect(await withFinding('stale_uptime')).not.toContain(cpe.id);
    await until(async () => !(await scheduled(cpe.id)), {
      timeoutMs: 10_000,
      what: 'the schedule to drop it',
    });

    const readded = await batch(
      { op: 'upsert', kind: 'device', record: cpe },
      ...owners.map((s) => ({ op: 'upsert', kind: 'subscriber', record: s })),
    );
    expect(readded.status).toBe(200);
    // Polled at once (a first probe), not at its slot up to an interval later, and scheduled again.
    const status = await until(
      async () => {
        const s = await state(cpe.id);
        return s !== undefined && s !== 'unknown' ? s : undefined;
      },
      { timeoutMs: 10_000, what: `a first poll of ${cpe.id}` },
    );
    expect(status).toBe('degraded');
    await until(() => scheduled(cpe.id), { timeoutMs: 10_000, what: 'the schedule to take it back' });
    await until(async () => (await withFinding('stale_uptime')).includes(cpe.id), { timeoutMs: 10_000 });
    sim.removeFaults(cpe.id);
  });

  it('correlates a re-parented CPE under its new parent: its subscriber is in the new parent’s outage', async () => {
    const parents = devices.filter((d) => d.kind !== 'cpe' && devices.some((c) => c.parentId === d.id));
    const [from, to] = parents as [Device, Device];
    const moved = devices.find((d) => d.parentId === from.id && d.kind === 'cpe') as Device;
    const movedOwners = subscribers.filter((s) => s.deviceIds.includes(moved.id)).map((s) => s.id);
    expect(movedOwners.length).toBeGreaterThan(0);
    const patched = await service.api('PATCH', `/v1/inventory/devices/${moved.id}`, 'admin', {
      parentId: to.id,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    // The new parent loses power; the moved CPE (wired under it now) goes silent with it.
    sim.addFault(to.id, 'down');
    sim.addFault(moved.id, 'down');
    const behindTo = new Set(
      devices.filter((d) => d.parentId === to.id || d.id === moved.id || d.id === to.id).map((d) => d.id),
    );
    const expected = subscribers
      .filter((s) => s.deviceIds.some((id) => behindTo.has(id)))
      .map((s) => s.id)
      .sort();
    type Incident = { id: string; state: string; affectedSubscriberIds: string[] };
    const incident = await until(
      async () => {
        const { body } = await service.api<{ items: Incident[] }>('GET', '/v1/incidents', 'noc');
        return body.items.find((i) => i.id === `outage:${to.id}` && i.state === 'open');
      },
      { timeoutMs: 60_000, everyMs: 200, what: `an open outage on ${to.id}` },
    );
    expect(incident.affectedSubscriberIds.sort()).toEqual(expected);
    for (const id of movedOwners) expect(incident.affectedSubscriberIds).toContain(id);
    const { body } = await service.api<{ items: Incident[] }>('GET', '/v1/incidents', 'noc');
    expect(body.items.find((i) => i.id === `outage:${from.id}`)).toBeUndefined();
    sim.removeFaults(to.id);
    sim.removeFaults(moved.id);
  }, 90_000);
});
