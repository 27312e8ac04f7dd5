import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('PUT /v1/inventory', () => {
  it('imports a JSON body and answers the counts; the same body again changes nothing', async () => {
    const first = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: t.auth.admin,
      payload: JSON.parse(fixture('good.json')) as object,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ changed: true, counts: { devices: { created: 3 } } });
    const again = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: t.auth.admin,
      payload: JSON.parse(fixture('good.json')) as object,
    });
    expect(again.json()).toMatchObject({
      changed: false,
      counts: { devices: { unchanged: 3 }, subscribers: { unchanged: 1 } },
    });
  });

  it('takes NDJSON and CSV as raw bodies', async () => {
    const ndjson = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: { ...t.auth.admin, 'content-type': 'application/x-ndjson' },
      payload: fixture('good.ndjson'),
    });
    expect(ndjson.statusCode).toBe(200);
    const csv = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: { ...t.auth.admin, 'content-type': 'text/csv; charset=utf-8' },
      payload: fixture('good.csv'),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.json()).toMatchObject({ counts: { devices: { created: 2, unchanged: 3 } } });
  });

  it('answers 422 problem+json listing every bad row, and stores nothing', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: { ...t.auth.admin, 'content-type': 'text/csv' },
      payload: fixture('bad.csv'),
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json<{ code: string; errors: { path: string; message: string }[] }>();
    expect(problem.code).toBe('ERR_INVENTORY_INVALID');
    expect(problem.errors.map((e) => e.path)).toEqual(['line 3', 'line 4', 'line 5']);
    const device = await t.app.inject({ method: 'GET', url: '/v1/devices/cpe-2', headers: t.auth.noc });
    expect(device.statusCode).toBe(200);
  });

  it('is for admins only', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: t.auth.noc,
      payload: { devices: [] },
    });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a body that is not an inventory-shaped object', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: t.auth.admin,
      payload: { devices: 'all of them' },
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('reads', () => {
  beforeAll(async () => {
    await t.app.inject({
      method: 'PUT',
      url: '/v1/inventory',
      headers: { ...t.auth.admin, 'content-type': 'text/csv' },
      payload: fixture('good.csv'),
    });
  });

  it('GET /v1/devices/:id returns the device with its extra fields, or 404', async () => {
    const found = await t.app.inject({ method: 'GET', url: '/v1/devices/an-1', headers: t.auth.noc });
    expect(found.json()).toMatchObject({ id: 'an-1', parentId: 'bs-1', rack: 'R2', port: 161 });
    const missing = await t.app.inject({ method: 'GET', url: '/v1/devices/nope', headers: t.auth.noc });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'ERR_DEVICE_NOT_FOUND' });
  });

  it('GET /v1/devices filters by parent and pages with a cursor', async () => {
    const first = await t.app.inject({
      method: 'GET',
      url: '/v1/devices?parent=an-1&limit=2',
      headers: t.auth.noc,
    });
    const page = first.json<{ items: { id: string }[]; nextCursor: string }>();
    expect(page.items.map((d) => d.id)).toEqual(['cpe-1', 'cpe-2']);
    const second = await t.app.inject({
      method: 'GET',
      url: `/v1/devices?parent=an-1&limit=2&cursor=${page.nextCursor}`,
      headers: t.auth.noc,
    });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ id: 'cpe-3' })] });
    const badKind = await t.app.inject({
      method: 'GET',
      url: '/v1/devices?kind=router',
      headers: t.auth.noc,
    });
    expect(badKind.statusCode).toBe(400);
  });

  it('GET /v1/subscribers/:id and GET /v1/sites', async () => {
    const subscriber = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/sub-1',
      headers: t.auth.admin,
    });
    expect(subscriber.json()).toMatchObject({
      id: 'sub-1',
      phone: '+79123456789',
      deviceIds: ['cpe-1', 'cpe-2', 'cpe-3'],
    });
    const missing = await t.app.inject({ method: 'GET', url: '/v1/subscribers/nobody', headers: t.auth.noc });
    expect(missing.json()).toMatchObject({ status: 404, code: 'ERR_SUBSCRIBER_NOT_FOUND' });
    const sites = await t.app.inject({ method: 'GET', url: '/v1/sites', headers: t.auth.noc });
    expect(sites.json()).toEqual({ items: [{ id: 'site-1', name: 'Kazan, Baumana 12' }] });
  });

  it('is closed to agents', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/devices', headers: t.auth.agent });
    expect(response.statusCode).toBe(403);
  });
});
