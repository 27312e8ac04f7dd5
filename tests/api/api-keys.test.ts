import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ captureLogs: true });
});
afterAll(async () => {
  await t.close();
});

const fresh = () => randomBytes(32).toString('base64url');

describe('API keys managed through the API', () => {
  it('an admin registers a key; it works at once with its role; no response or log line shows the token', async () => {
    const token = fresh();
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: t.auth.admin,
      payload: { role: 'noc', name: 'NOC dashboard', token },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain(token);
    const key = created.json<{ id: string; keyId: string; role: string }>();
    expect(key).toMatchObject({ role: 'noc', keyId: expect.stringMatching(/^[0-9a-f]{8}$/) as unknown });
    const used = await t.app.inject({
      method: 'GET',
      url: '/v1/incidents',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(used.statusCode).toBe(200);
    const forbidden = await t.app.inject({
      method: 'GET',
      url: '/v1/keys',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(forbidden.statusCode).toBe(403);
    const list = await t.app.inject({ method: 'GET', url: '/v1/keys', headers: t.auth.admin });
    expect(list.json<{ items: { id: string }[] }>().items.map((k) => k.id)).toContain(key.id);
    expect(list.body).not.toContain(token);
    expect(t.logLines.join('\n')).not.toContain(token);
  });

  it('a revoked key is refused on the next request', async () => {
    const token = fresh();
    const { id } = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: t.auth.admin,
        payload: { role: 'agent', name: 'console 7', token },
      })
    ).json<{ id: string }>();
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: t.auth.admin });
    expect(revoked.json<{ revokedAt: string }>().revokedAt).toMatch(/^\d{4}-/);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    });
    expect(refused.statusCode).toBe(401);
  });

  it('refuses short tokens, a token already in use, unknown roles and non-admins', async () => {
    const post = (payload: object, headers = t.auth.admin) =>
      t.app.inject({ method: 'POST', url: '/v1/keys', headers, payload });
    expect((await post({ role: 'noc', name: 'x', token: 'short' })).statusCode).toBe(400);
    expect((await post({ role: 'root', name: 'x', token: fresh() })).statusCode).toBe(400);
    const token = fresh();
    expect((await post({ role: 'noc', name: 'a', token })).statusCode).toBe(201);
    expect((await post({ role: 'admin', name: 'b', token })).statusCode).toBe(409);
    expect((await post({ role: 'noc', name: 'x', token: fresh() }, t.auth.noc)).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/v1/keys/key-none', headers: t.auth.admin })).statusCode,
    ).toBe(404);
  });
});
