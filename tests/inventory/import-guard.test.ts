import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryStore, type Inventory } from '../../src/inventory/index.js';
import { Secret } from '../../src/shared/secret.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { createTestRedis, type TestRedis } from '../helpers/test-redis.js';

/** `n` routers and their subscribers; `auth` names their auth profile. */
function fleet(n: number, auth = 'sim'): Inventory {
  const id = (i: number): string => `cpe-${String(i).padStart(4, '0')}`;
  return {
    sites: [{ id: 'site-1', name: 'Lab' }],
    devices: Array.from({ length: n }, (_, i) => ({
      id: id(i),
      kind: 'cpe' as const,
      parentId: null,
      site: 'site-1',
      profile: 'generic',
      host: `127.40.0.${i + 1}`,
      port: 161,
      auth,
    })),
    subscribers: Array.from({ length: n }, (_, i) => ({ id: `sub-${i}`, deviceIds: [id(i)] })),
  };
}

describe('an import that would remove much of the stored inventory', () => {
  let test: TestRedis;
  beforeAll(async () => {
    test = await createTestRedis();
  });
  afterAll(async () => {
    await test.close();
  });

  it('is refused with the counts, and nothing changes; allowRemovals lets the same import through', async () => {
    const store = createInventoryStore(test);
    await store.importInventory(fleet(20));
    const error = await store.importInventory(fleet(4)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INVENTORY_REMOVALS' });
    expect((error as Error).message).toContain('16 of 20 devices (80%)');
    expect((await store.counts()).devices).toBe(20);

    const allowed = await store.importInventory(fleet(4), { allowRemovals: true });
    expect(allowed.counts.devices).toMatchObject({ unchanged: 4, removed: 16 });
    expect((await store.counts()).devices).toBe(4);
  });

  it('lets a small shrink through, and the share is configurable', async () => {
    const store = createInventoryStore(test);
    await store.importInventory(fleet(20), { allowRemovals: true });
    expect((await store.importInventory(fleet(19))).counts.devices.removed).toBe(1); // 5%
    await expect(store.importInventory(fleet(18), { maxRemovalShare: 0.02 })).rejects.toMatchObject({
      code: 'ERR_INVENTORY_REMOVALS',
    });
  });

  it('diffs against what is stored without writing: counts and a few ids of each change', async () => {
    const store = createInventoryStore(test);
    await store.importInventory(fleet(20), { allowRemovals: true });
    const next = fleet(12);
    next.devices[0] = { ...next.devices[0]!, model: 'Changed' };
    next.devices.push({ ...next.devices[1]!, id: 'cpe-new', host: '127.40.1.1' });
    const diff = await store.diffInventory(next);
    expect(diff.stored).toBe(true);
    expect(diff.counts.devices).toEqual({ created: 1, updated: 1, unchanged: 11, removed: 8 });
    expect(diff.samples.devices).toEqual({
      created: ['cpe-new'],
      updated: ['cpe-0000'],
      removed: ['cpe-0012', 'cpe-0013', 'cpe-0014', 'cpe-0015', 'cpe-0016'],
    });
    expect((await store.counts()).devices).toBe(20);
  });
});

describe('PUT /v1/inventory', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      config: {
        authProfiles: new Map([['sim', { name: 'sim', version: '2c', community: new Secret('c-secret-1') }]]),
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });
  const put = (body: Inventory, query = '') =>
    t.app.inject({ method: 'PUT', url: `/v1/inventory${query}`, headers: t.auth.admin, payload: body });

  it('answers 409 problem+json with the counts for a shrink, and 200 with ?allowRemovals=true', async () => {
    expect((await put(fleet(10))).statusCode).toBe(200);
    const refused = await put(fleet(2));
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = refused.json<{ code: string; errors: Record<string, unknown>[] }>();
    expect(problem.code).toBe('ERR_INVENTORY_REMOVALS');
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: 'devices', removed: 8, stored: 10, unchanged: 2 }),
      expect.objectContaining({ path: 'subscribers', removed: 8, stored: 10, unchanged: 2 }),
    ]);
    const devices = await t.app.inject({ method: 'GET', url: '/v1/devices', headers: t.auth.admin });
    expect(devices.json<{ items: unknown[] }>().items).toHaveLength(10);

    const allowed = await put(fleet(2), '?allowRemovals=true');
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toMatchObject({ counts: { devices: { removed: 8 } }, warnings: [] });
  });

  it('warns of auth profiles the environment lacks, naming the variables to set', async () => {
    const lab = fleet(3, 'lab-cpe');
    const answer = await put(lab, '?allowRemovals=true');
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({
      warnings: [
        {
          code: 'auth_profile_missing',
          profile: 'lab-cpe',
          devices: 3,
          variables: ['VIGIL_SNMP_LAB_CPE_COMMUNITY', 'VIGIL_SNMP_LAB_CPE_USER'],
        },
      ],
    });
  });
});
