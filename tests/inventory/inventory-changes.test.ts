import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Device, Inventory, Subscriber } from '../../src/inventory/index.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { zscoreInShard } from '../helpers/poll-shard-sets.js';

/**
 * The incremental inventory over HTTP against a real Redis: one device or subscriber at a time, NDJSON
 * batches applied atomically under the import's validation, the inventory's ETag, and the audit trail.
 * Each test starts from the same small tree, imported in full:
 *   bs-1 ── an-1 ── cpe-1 (sub-1), cpe-2 (sub-2)
 *        └─ an-2 ── cpe-3 (sub-3)
 */
let t: TestApp;

const device = (
  id: string,
  kind: Device['kind'],
  parentId: string | null,
  extra: Partial<Device> = {},
): Device => ({
  id,
  kind,
  parentId,
  site: 'site-1',
  profile: kind === 'cpe' ? 'cpe-gpon' : kind === 'access_node' ? 'access-node' : 'base-station',
  host: `127.31.0.${id.length + Number(id.replace(/\D/g, '') || 0)}`,
  port: 161,
  auth: 'sim',
  ...extra,
});
const subscriber = (id: string, deviceIds: string[], extra: Partial<Subscriber> = {}): Subscriber => ({
  id,
  deviceIds,
  account: `ACC-${id}`,
  ...extra,
});
const TREE: Inventory = {
  sites: [{ id: 'site-1', name: 'Kazan' }],
  devices: [
    device('bs-1', 'base_station', null),
    device('an-1', 'access_node', 'bs-1'),
    device('an-2', 'access_node', 'bs-1'),
    device('cpe-1', 'cpe', 'an-1'),
    device('cpe-2', 'cpe', 'an-1'),
    device('cpe-3', 'cpe', 'an-2'),
  ],
  subscribers: [
    subscriber('sub-1', ['cpe-1']),
    subscriber('sub-2', ['cpe-2']),
    subscriber('sub-3', ['cpe-3']),
  ],
};

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  const response = await request('PUT', '/v1/inventory?allowRemovals=true', TREE);
  expect(response.statusCode).toBe(200);
});

async function request(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...t.auth.admin, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

function batch(...lines: object[]) {
  return request('POST', '/v1/inventory/changes', lines.map((l) => JSON.stringify(l)).join('\n'), {
    'content-type': 'application/x-ndjson',
  });
}

async function childrenOf(parent: string): Promise<string[]> {
  const page = (await request('GET', `/v1/devices?parent=${parent}`)).json<{ items: { id: string }[] }>();
  return page.items.map((d) => d.id);
}

async function audit(query: string): Promise<{ what: string; by: string; detail?: string }[]> {
  return (await request('GET', `/v1/audit?${query}`)).json<{
    items: { what: string; by: string; detail?: string }[];
  }>().items;
}

describe('one device or subscriber at a time', () => {
  it('creates a device with PUT (201), audits it, and answers 200 unchanged when sent again', async () => {
    const cpe = device('cpe-4', 'cpe', 'an-2', { model: 'HG8245' });
    const created = await request('PUT', '/v1/inventory/devices/cpe-4', cpe);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ result: 'created', record: { id: 'cpe-4', parentId: 'an-2' } });
    expect((await request('GET', '/v1/devices/cpe-4', undefined, t.auth.noc)).statusCode).toBe(200);
    expect(await childrenOf('an-2')).toEqual(['cpe-3', 'cpe-4']);
    // The pollers' indexes know it as a device not polled yet.
    expect(
      await zscoreInShard(
        t.testRedis.redis,
        t.testRedis.keys,
        (s) => t.testRedis.keys.devicesByStatus('unknown', s),
        'cpe-4',
      ),
    ).not.toBeNull();

    const again = await request('PUT', '/v1/inventory/devices/cpe-4', cpe);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ result: 'unchanged' });
    expect(again.headers.etag).toBe(created.headers.etag);
    const entries = await audit('deviceId=cpe-4');
    expect(entries.map((e) => e.what)).toEqual(['inventory.device.created']);
    expect(entries[0]?.by).toMatch(/^admin:/);
  });

  it('re-parents a CPE with a merge patch: the children and subscribers behind each parent follow', async () => {
    const { inventory } = t.services;
    expect(await inventory.subscriberIdsBehind('an-2')).toEqual(['sub-3']);
    const moved = await request(
      'PATCH',
      '/v1/inventory/devices/cpe-1',
      { parentId: 'an-2', model: 'F670L' },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      result: 'updated',
      record: { parentId: 'an-2', model: 'F670L', kind: 'cpe' },
    });
    expect(await childrenOf('an-1')).toEqual(['cpe-2']);
    expect(await childrenOf('an-2')).toEqual(['cpe-1', 'cpe-3']);
    expect(await inventory.subscriberIdsBehind('an-1')).toEqual(['sub-2']);
    expect(await inventory.subscriberIdsBehind('an-2')).toEqual(['sub-1', 'sub-3']);
    expect(await inventory.subscriberIdsBehind('bs-1')).toEqual(['sub-1', 'sub-2', 'sub-3']);
    const [entry] = await audit('deviceId=cpe-1');
    expect(entry?.what).toBe('inventory.device.updated');
    expect(entry?.detail).toBe('parentId: an-1 → an-2; model');
  });

  it('refuses a patch that breaks a row, or a parent that does not exist, naming the field; nothing changes', async () => {
    const bad = await request('PATCH', '/v1/inventory/devices/cpe-1', { port: 70000, parentId: 'an-9' });
    expect(bad.statusCode).toBe(422);
    const problem = bad.json<{ code: string; errors: { path: string; message: string }[] }>();
    expect(problem.code).toBe('ERR_INVENTORY_INVALID');
    expect(problem.errors).toEqual([
      { path: 'devices/cpe-1', message: expect.stringContaining('"port"') as string },
    ]);
    const orphan = await request('PATCH', '/v1/inventory/devices/cpe-1', { parentId: 'an-9' });
    expect(orphan.json<{ errors: { message: string }[] }>().errors[0]?.message).toBe(
      'parentId "an-9" names no device in the inventory',
    );
    expect(await childrenOf('an-1')).toEqual(['cpe-1', 'cpe-2']);
    expect((await request('PATCH', '/v1/inventory/devices/cpe-99', { model: 'x' })).statusCode).toBe(404);
  });

  it('refuses to delete a device a subscriber or a child still names, and deletes it once they are gone', async () => {
    const refused = await request('DELETE', '/v1/inventory/devices/an-2');
    expect(refused.statusCode).toBe(422);
    expect(refused.json<{ errors: { message: string }[] }>().errors[0]?.message).toContain(
      'device "an-2" is still named by child devices "cpe-3"',
    );
    const cpe = await request('DELETE', '/v1/inventory/devices/cpe-3');
    expect(cpe.json<{ errors: { message: string }[] }>().errors[0]?.message).toContain('subscribers "sub-3"');

    expect((await request('DELETE', '/v1/inventory/subscribers/sub-3')).statusCode).toBe(204);
    expect((await request('DELETE', '/v1/inventory/devices/cpe-3')).statusCode).toBe(204);
    expect((await request('GET', '/v1/devices/cpe-3', undefined, t.auth.noc)).statusCode).toBe(404);
    expect((await request('DELETE', '/v1/inventory/devices/cpe-3')).statusCode).toBe(404);
    expect((await audit('subscriberId=sub-3')).map((e) => e.what)).toEqual(['inventory.subscriber.removed']);
  });

  it('moves an account from one subscriber to another only when the first gives it up', async () => {
    const clash = await request('PATCH', '/v1/inventory/subscribers/sub-2', { account: 'ACC-sub-1' });
    expect(clash.statusCode).toBe(422);
    expect(clash.json<{ errors: { message: string }[] }>().errors[0]?.message).toBe(
      'account "ACC-sub-1" already belongs to subscriber "sub-1"',
    );
    const swapped = await batch(
      { op: 'patch', kind: 'subscriber', id: 'sub-1', patch: { account: null } },
      {
        op: 'patch',
        kind: 'subscriber',
        id: 'sub-2',
        patch: { account: 'ACC-sub-1', phone: '+7 (912) 000-11-22' },
      },
    );
    expect(swapped.statusCode).toBe(200);
    expect((await t.services.inventory.findSubscriberByAccount('ACC-sub-1'))?.id).toBe('sub-2');
    expect((await t.services.inventory.findSubscribersByPhone('79120001122')).map((s) => s.id)).toEqual([
      'sub-2',
    ]);
  });

  it('is for admins only', async () => {
    const response = await t.app.inject({
      method: 'DELETE',
      url: '/v1/inventory/devices/cpe-1',
      headers: t.auth.noc,
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('POST /v1/inventory/changes', () => {
  it('applies a batch in order and atomically, and answers per line what it did', async () => {
    const response = await batch(
      { op: 'upsert', kind: 'device', record: device('an-3', 'access_node', 'bs-1') },
      { op: 'upsert', kind: 'device', record: device('cpe-5', 'cpe', 'an-3') },
      { op: 'patch', kind: 'device', id: 'cpe-5', patch: { model: 'RT-GM' } },
      {
        op: 'upsert',
        kind: 'subscriber',
        record: subscriber('sub-5', ['cpe-5'], { phone: '8 912 555 00 00' }),
      },
      { op: 'delete', kind: 'subscriber', id: 'sub-2' },
      { op: 'delete', kind: 'device', id: 'cpe-2' },
      { op: 'delete', kind: 'device', id: 'cpe-77' },
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      changed: true,
      counts: {
        devices: { created: 2, removed: 1, updated: 0 },
        subscribers: { created: 1, removed: 1 },
      },
    });
    expect(response.json<{ changes: { result: string }[] }>().changes.map((c) => c.result)).toEqual([
      'created',
      'created',
      'updated',
      'created',
      'removed',
      'removed',
      'absent',
    ]);
    expect((await t.services.inventory.getDevice('cpe-5'))?.model).toBe('RT-GM');
    expect(await t.services.inventory.subscriberIdsBehind('an-3')).toEqual(['sub-5']);
    expect((await t.services.inventory.counts()).devices).toBe(7);
  });

  it('rejects the whole batch when one line is bad, naming every bad line, and stores nothing', async () => {
    const before = await request('HEAD', '/v1/inventory');
    const body = [
      JSON.stringify({ op: 'upsert', kind: 'device', record: device('cpe-6', 'cpe', 'an-1') }),
      '',
      JSON.stringify({
        op: 'upsert',
        kind: 'device',
        record: { ...device('cpe-7', 'cpe', 'an-1'), kind: 'router' },
      }),
      '{"op": "delete", "kind": "device"',
      JSON.stringify({ op: 'rename', kind: 'device', id: 'cpe-1' }),
    ].join('\n');
    const response = await request('POST', '/v1/inventory/changes', body, {
      'content-type': 'application/x-ndjson',
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json<{ errors: { path: string; message: string }[] }>();
    expect(problem.errors.map((e) => e.path)).toEqual(['line 4', 'line 5']);
    expect(problem.errors[1]?.message).toContain('"op" must be one of upsert, patch, delete');
    // The envelope fixed, the record's own error is reported at its line like an import's.
    const fixed = body.split('\n').slice(0, 3).join('\n');
    const second = await request('POST', '/v1/inventory/changes', fixed, {
      'content-type': 'application/x-ndjson',
    });
    expect(second.json<{ errors: { path: string; message: string }[] }>().errors).toEqual([
      {
        path: 'line 3',
        message: expect.stringContaining('"kind" must be one of cpe, access_node, base_station') as string,
      },
    ]);
    expect((await request('GET', '/v1/devices/cpe-6', undefined, t.auth.noc)).statusCode).toBe(404);
    expect((await request('HEAD', '/v1/inventory')).headers.etag).toBe(before.headers.etag);
  });

  it('refuses a batch that would close a loop in the topology', async () => {
    const response = await batch({ op: 'patch', kind: 'device', id: 'bs-1', patch: { parentId: 'cpe-1' } });
    expect(response.statusCode).toBe(422);
    expect(response.json<{ errors: { path: string; message: string }[] }>().errors).toEqual([
      { path: 'line 1', message: 'topology cycle: bs-1 → cpe-1 → an-1 → bs-1' },
    ]);
  });
});

describe('the inventory ETag', () => {
  it('is the same for the same content: a change and its undoing give back the first tag', async () => {
    const first = await request('GET', '/v1/inventory');
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toMatch(/^"[\w-]{20}"$/);
    expect(first.json<Inventory>().devices).toHaveLength(6);
    const notModified = await request('GET', '/v1/inventory', undefined, {
      'if-none-match': first.headers.etag as string,
    });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');

    const patched = await request('PATCH', '/v1/inventory/devices/cpe-2', { model: 'X1' });
    expect(patched.headers.etag).not.toBe(first.headers.etag);
    const head = await request('HEAD', '/v1/inventory', undefined, {
      'if-none-match': first.headers.etag as string,
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers.etag).toBe(patched.headers.etag);
    const undone = await request('PATCH', '/v1/inventory/devices/cpe-2', { model: null });
    expect(undone.headers.etag).toBe(first.headers.etag);
  });

  it('keeps a full import in step with the changes: re-importing the old file counts the patched device updated', async () => {
    await request('PATCH', '/v1/inventory/devices/cpe-2', { model: 'X1' });
    const imported = await request('PUT', '/v1/inventory', TREE);
    expect(imported.json()).toMatchObject({
      changed: true,
      counts: { devices: { updated: 1, unchanged: 5 } },
    });
    expect((await t.services.inventory.getDevice('cpe-2'))?.model).toBeUndefined();
    expect(imported.headers.etag).toBe((await request('HEAD', '/v1/inventory')).headers.etag);
  });

  it('honours If-Match and If-None-Match on writes with 412, changing nothing', async () => {
    const { etag } = (await request('HEAD', '/v1/inventory')).headers as { etag: string };
    await request('PATCH', '/v1/inventory/devices/cpe-2', { model: 'X2' });
    const stale = await request('PUT', '/v1/inventory', TREE, { 'if-match': etag });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'ERR_INVENTORY_PRECONDITION_FAILED' });
    expect((await t.services.inventory.getDevice('cpe-2'))?.model).toBe('X2');
    const current = stale.headers.etag as string;
    expect(current).not.toBe(etag);

    // If-None-Match on a write: refused while the inventory still has that tag.
    const same = await request('PUT', '/v1/inventory', TREE, { 'if-match': current });
    expect(same.statusCode).toBe(200);
    const skipped = await request('PUT', '/v1/inventory', TREE, {
      'if-none-match': same.headers.etag as string,
    });
    expect(skipped.statusCode).toBe(412);
    const batchStale = await request(
      'POST',
      '/v1/inventory/changes',
      JSON.stringify({ op: 'delete', kind: 'subscriber', id: 'sub-1' }),
      { 'content-type': 'application/x-ndjson', 'if-match': current },
    );
    expect(batchStale.statusCode).toBe(412);
    expect(await t.services.inventory.getSubscriber('sub-1')).toBeDefined();
  });
});
