import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

let t: TestApp;
let operations: { method: string; path: string; roles: string[] }[] = [];

beforeAll(async () => {
  t = await buildTestApp();
  const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
    paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
  }>();
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => op['x-roles'] !== undefined)
      .map(([method, op]) => ({ method: method.toUpperCase(), path, roles: op['x-roles'] ?? [] })),
  );
});
afterAll(async () => {
  await t.close();
});

/** Fills `{id}`-style parameters with something that names nothing: auth answers before any lookup. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x-0');

describe('every route says who may call it, and means it', () => {
  it('the OpenAPI document lists the NOC, admin and console routes with their roles', () => {
    expect(operations.length).toBeGreaterThan(30);
    const byPath = new Map(operations.map((o) => [`${o.method} ${o.path}`, o.roles]));
    expect(byPath.get('PUT /v1/inventory')).toEqual(['admin']);
    expect(byPath.get('POST /v1/conversations')).toContain('agent');
    expect(byPath.get('POST /v1/devices/{id}/reboot')).not.toContain('agent');
  });

  it('an agent key gets 403 problem+json on every route that does not list the agent role', async () => {
    const forbidden = operations.filter((o) => !o.roles.includes('agent'));
    expect(forbidden.length).toBeGreaterThan(20);
    for (const operation of forbidden) {
      const response = await t.app.inject({
        method: operation.method as 'GET',
        url: concrete(operation.path),
        headers: { ...t.auth.agent, 'content-type': 'application/json' },
        ...(operation.method === 'GET' || operation.method === 'DELETE' ? {} : { payload: '{}' }),
      });
      expect({ route: `${operation.method} ${operation.path}`, status: response.statusCode }).toEqual({
        route: `${operation.method} ${operation.path}`,
        status: 403,
      });
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('a noc key gets 403 on every admin-only route, and no key gets 401 everywhere', async () => {
    for (const operation of operations) {
      const anonymous = await t.app.inject({
        method: operation.method as 'GET',
        url: concrete(operation.path),
      });
      expect({ route: `${operation.method} ${operation.path}`, status: anonymous.statusCode }).toEqual({
        route: `${operation.method} ${operation.path}`,
        status: 401,
      });
      if (operation.roles.includes('noc')) continue;
      const noc = await t.app.inject({
        method: operation.method as 'GET',
        url: concrete(operation.path),
        headers: { ...t.auth.noc, 'content-type': 'application/json' },
        ...(operation.method === 'GET' || operation.method === 'DELETE' ? {} : { payload: '{}' }),
      });
      expect({ route: `${operation.method} ${operation.path}`, status: noc.statusCode }).toEqual({
        route: `${operation.method} ${operation.path}`,
        status: 403,
      });
    }
  });
});
