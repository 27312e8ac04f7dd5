import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBED_ROUTES } from '../../src/api/embed-scope.js';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.js';
import { until } from '../helpers/wait.js';

const device = (id: string, kind: string, parentId: string | null) => ({
  id,
  kind,
  parentId,
  site: 'site-1',
  profile: kind === 'cpe' ? 'cpe-router' : 'access-node',
  host: '127.0.0.1',
  port: 1161,
  auth: 'sim',
});

const INVENTORY = {
  sites: [{ id: 'site-1', name: 'Kazan' }],
  devices: [
    device('an-1', 'access_node', null),
    device('cpe-1', 'cpe', 'an-1'),
    device('cpe-2', 'cpe', 'an-1'),
  ],
  subscribers: [
    { id: 'sub-1', account: 'ACC-1', phone: '+7 912 345-67-89', deviceIds: ['cpe-1'], site: 'site-1' },
    { id: 'sub-2', account: 'ACC-2', phone: '+7 912 000-00-02', deviceIds: ['cpe-2'], site: 'site-1' },
  ],
};

interface Minted {
  id: string;
  token: string;
  subscriberId: string;
  expiresAt: string;
}

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ captureLogs: true });
  const imported = await t.app.inject({
    method: 'PUT',
    url: '/v1/inventory',
    headers: t.auth.admin,
    payload: INVENTORY,
  });
  expect(imported.statusCode).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

async function mint(body: Record<string, unknown>): Promise<Minted> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/embed-tokens',
    headers: t.auth.agent,
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Minted>();
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let listening: Promise<string> | undefined;
/** The app on a real port, for streams (`inject` cannot hold one open); listens once per file. */
const baseUrl = () => (listening ??= t.app.listen({ port: 0, host: '127.0.0.1' }));

/** `ws`, the library @fastify/websocket serves with (no types shipped): just what the test uses. */
const ws = createRequire(import.meta.url)('ws') as {
  WebSocket: new (
    url: string,
    options: { headers: Record<string, string> },
  ) => EventEmitter & { close(): void };
};

/** The status a WebSocket upgrade gets: 101 when it opens, else the refusal's. */
function upgradeStatus(url: string, token: string): Promise<number> {
  const socket = new ws.WebSocket(url, { headers: bearer(token) });
  return new Promise((resolve, reject) => {
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response: { statusCode: number }) =>
      resolve(response.statusCode),
    );
    socket.on('error', reject);
  });
}

function openWith(token: string, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/conversations',
    headers: bearer(token),
    payload: { channel: 'voice', agentId: 'a-17', ...body },
  });
}

describe('POST /v1/embed-tokens', () => {
  it('mints a token for the subscriber named by phone, valid for the requested life, for agent keys only', async () => {
    const before = Date.now();
    const minted = await mint({ phone: '+7 (912) 345-67-89', ttlSeconds: 120 });
    expect(minted.subscriberId).toBe('sub-1');
    expect(minted.id).toMatch(/^[A-Za-z0-9-]{16}$/);
    expect(minted.token).toMatch(/^vet_/);
    const life = Date.parse(minted.expiresAt) - before;
    expect(life).toBeGreaterThan(110_000);
    expect(life).toBeLessThanOrEqual(121_000);
    for (const role of ['noc', 'admin'] as const) {
      const refused = await t.app.inject({
        method: 'POST',
        url: '/v1/embed-tokens',
        headers: t.auth[role],
        payload: { subscriberId: 'sub-1' },
      });
      expect(refused.statusCode).toBe(403);
    }
  });

  it('refuses an unknown subscriber, two ways of naming one, a life past the bound, a stranger conversation', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ phone: '+10000000000' }, 404],
      [{ subscriberId: 'sub-1', account: 'ACC-1' }, 422],
      [{ subscriberId: 'sub-1', ttlSeconds: 3601 }, 400],
      [{ subscriberId: 'sub-1', conversationId: 'c-nowhere' }, 404],
      [{ subscriberId: 'sub-1', extra: true }, 400],
    ];
    for (const [payload, status] of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/embed-tokens',
        headers: t.auth.agent,
        payload,
      });
      expect({ payload, status: response.statusCode }).toEqual({ payload, status });
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});

describe('an embed token', () => {
  it("opens, reads, follows and closes its subscriber's conversation, found by id, account or phone", async () => {
    const { token } = await mint({ subscriberId: 'sub-1' });
    for (const by of [{ subscriberId: 'sub-1' }, { account: 'ACC-1' }, { phone: '+79123456789' }]) {
      const opened = await openWith(token, by);
      expect(opened.statusCode, opened.body).toBeLessThan(300);
    }
    const { conversation } = (await openWith(token, { subscriberId: 'sub-1' })).json<{
      conversation: { id: string };
    }>();
    const read = await t.app.inject({
      method: 'GET',
      url: `/v1/conversations/${conversation.id}`,
      headers: bearer(token),
    });
    expect(read.statusCode).toBe(200);
    const history = await t.app.inject({
      method: 'GET',
      url: '/v1/subscribers/sub-1/history',
      headers: bearer(token),
    });
    expect(history.statusCode).toBe(200);
    const closed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/conversations/${conversation.id}`,
      headers: bearer(token),
    });
    expect(closed.statusCode).toBe(204);
  });

  it("is refused (403) for another subscriber's conversation, open and history, without saying whether they exist", async () => {
    const { token } = await mint({ subscriberId: 'sub-1' });
    const other = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/conversations',
        headers: t.auth.agent,
        payload: { subscriberId: 'sub-2', channel: 'chat', agentId: 'a-9' },
      })
    ).json<{ conversation: { id: string } }>().conversation.id;
    const attempts = [
      openWith(token, { subscriberId: 'sub-2' }),
      openWith(token, { phone: '+79120000002' }),
      openWith(token, { phone: '+10000000000' }),
      t.app.inject({ method: 'GET', url: `/v1/conversations/${other}`, headers: bearer(token) }),
      t.app.inject({ method: 'GET', url: `/v1/conversations/${other}/events`, headers: bearer(token) }),
      t.app.inject({ method: 'DELETE', url: `/v1/conversations/${other}`, headers: bearer(token) }),
      t.app.inject({
        method: 'POST',
        url: `/v1/conversations/${other}/suggestions/s-1/accept`,
        headers: bearer(token),
      }),
      t.app.inject({ method: 'GET', url: '/v1/conversations/c-nowhere', headers: bearer(token) }),
      t.app.inject({ method: 'GET', url: '/v1/subscribers/sub-2/history', headers: bearer(token) }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'ERR_EMBED_FORBIDDEN' });
    }
    const stillOpen = await t.app.inject({
      method: 'GET',
      url: `/v1/conversations/${other}`,
      headers: t.auth.agent,
    });
    expect(stillOpen.json()).toMatchObject({ conversation: { state: 'open' } });
  });

  it('holds to the conversation and the agent its token names', async () => {
    const opened = (await openWith(t.tokens.agent, { subscriberId: 'sub-1', channel: 'chat' })).json<{
      conversation: { id: string };
    }>();
    const pinned = await mint({
      subscriberId: 'sub-1',
      conversationId: opened.conversation.id,
      agentId: 'a-17',
    });
    const read = await t.app.inject({
      method: 'GET',
      url: `/v1/conversations/${opened.conversation.id}`,
      headers: bearer(pinned.token),
    });
    expect(read.statusCode).toBe(200);
    expect((await openWith(pinned.token, { subscriberId: 'sub-1' })).statusCode).toBe(403);
    const byAgent = await mint({ subscriberId: 'sub-1', agentId: 'a-17' });
    expect((await openWith(byAgent.token, { subscriberId: 'sub-1', agentId: 'a-99' })).statusCode).toBe(403);
    expect(
      (await openWith(byAgent.token, { subscriberId: 'sub-1', agentId: 'a-17' })).statusCode,
    ).toBeLessThan(300);
  });

  it('is refused (403) by every other route of the API, whatever roles it admits', async () => {
    const { token } = await mint({ subscriberId: 'sub-1' });
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
    }>();
    const others = Object.entries(doc.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => op['x-roles'] !== undefined)
          .map(([method]) => ({ method: method.toUpperCase(), path })),
      )
      .filter((o) => !EMBED_ROUTES.has(`${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(others.map((o) => `${o.method} ${o.path}`)).toContain('POST /v1/embed-tokens');
    expect(others.length).toBeGreaterThan(30);
    for (const operation of others) {
      const response = await t.app.inject({
        method: operation.method as 'GET',
        url: operation.path.replace(/\{[^}]+\}/g, 'sub-1'),
        headers: { ...bearer(token), 'content-type': 'application/json' },
        ...(operation.method === 'GET' || operation.method === 'DELETE' ? {} : { payload: '{}' }),
      });
      expect({ route: `${operation.method} ${operation.path}`, status: response.statusCode }).toEqual({
        route: `${operation.method} ${operation.path}`,
        status: 403,
      });
    }
  });

  it('is refused (401) once it has expired, and once it is revoked', async () => {
    const short = await mint({ subscriberId: 'sub-1', ttlSeconds: 1 });
    expect((await openWith(short.token, { subscriberId: 'sub-1' })).statusCode).toBeLessThan(300);
    const history = () =>
      t.app.inject({ method: 'GET', url: '/v1/subscribers/sub-1/history', headers: bearer(short.token) });
    await until(async () => (await history()).statusCode === 401, { timeoutMs: 5000, everyMs: 100 });
    const expired = await openWith(short.token, { subscriberId: 'sub-1' });
    expect(expired.statusCode).toBe(401);
    expect(expired.headers['content-type']).toMatch(/application\/problem\+json/);

    const revocable = await mint({ subscriberId: 'sub-1' });
    expect((await openWith(revocable.token, { subscriberId: 'sub-1' })).statusCode).toBeLessThan(300);
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/v1/embed-tokens/${revocable.id}`,
      headers: t.auth.agent,
    });
    expect(revoke.statusCode).toBe(204);
    expect((await openWith(revocable.token, { subscriberId: 'sub-1' })).statusCode).toBe(401);
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/v1/embed-tokens/${revocable.id}`,
      headers: t.auth.agent,
    });
    expect(again.statusCode).toBe(404);
    // A token with the right shape but a wrong secret is unknown, not its neighbour.
    const forged = `${revocable.token.slice(0, 21)}${'A'.repeat(43)}`;
    expect((await openWith(forged, { subscriberId: 'sub-1' })).statusCode).toBe(401);
  });

  it("ends the token's open event stream once the token is revoked", { timeout: 30_000 }, async () => {
    const minted = await mint({ subscriberId: 'sub-1' });
    const opened = await openWith(minted.token, { subscriberId: 'sub-1', channel: 'chat' });
    const { conversation } = opened.json<{ conversation: { id: string } }>();
    const base = await baseUrl();
    const response = await fetch(`${base}/v1/conversations/${conversation.id}/events`, {
      headers: { ...bearer(minted.token), accept: 'text/event-stream' },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/v1/embed-tokens/${minted.id}`,
      headers: t.auth.agent,
    });
    expect(revoke.statusCode).toBe(204);
    // The stream runs until its next check (5 s) finds the token gone, then the server ends it.
    const ended = async (): Promise<boolean> => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true }));
        if (chunk.done) return true;
      }
    };
    expect(await ended()).toBe(true);
    const again = await fetch(`${base}/v1/conversations/${conversation.id}/events`, {
      headers: { ...bearer(minted.token), accept: 'text/event-stream' },
    });
    expect(again.status).toBe(401);
  });

  it("follows its subscriber's conversation over a WebSocket, and no other subscriber's", async () => {
    const { token } = await mint({ subscriberId: 'sub-1' });
    const own = (await openWith(token, { subscriberId: 'sub-1', channel: 'messenger' })).json<{
      conversation: { id: string };
    }>().conversation.id;
    const other = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/conversations',
        headers: t.auth.agent,
        payload: { subscriberId: 'sub-2', channel: 'messenger', agentId: 'a-9' },
      })
    ).json<{ conversation: { id: string } }>().conversation.id;
    const base = (await baseUrl()).replace(/^http/, 'ws');
    expect(await upgradeStatus(`${base}/v1/conversations/${own}/ws`, token)).toBe(101);
    expect(await upgradeStatus(`${base}/v1/conversations/${other}/ws`, token)).toBe(403);
  });

  it('is audited by id, and appears in no log line, audit entry or stored record', async () => {
    const minted = await mint({ subscriberId: 'sub-1' });
    await openWith(minted.token, { subscriberId: 'sub-1' });
    await t.app.inject({
      method: 'GET',
      url: `/v1/nowhere?token=${minted.token}`,
      headers: bearer(minted.token),
    });
    await t.app.inject({ method: 'DELETE', url: `/v1/embed-tokens/${minted.id}`, headers: t.auth.agent });
    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/audit?subscriberId=sub-1&limit=100',
      headers: t.auth.noc,
    });
    const entries = audit.json<{ items: { what: string; detail?: string }[] }>().items;
    const ours = entries.filter((e) => e.detail?.includes(minted.id));
    expect(ours.map((e) => e.what).sort()).toEqual(['embed_token.issued', 'embed_token.revoked']);
    const secret = minted.token.slice(-43);
    expect(t.logLines.length).toBeGreaterThan(10);
    expect(t.logLines.filter((line) => line.includes(secret))).toEqual([]);
    expect(audit.body).not.toContain(secret);
    const { redis, prefix } = t.testRedis;
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 }))
      keys.push(...(batch as string[]));
    for (const key of keys) {
      const type = await redis.type(key);
      const dump =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : '';
      expect({ key, leaks: dump?.includes(secret) ?? false }).toEqual({ key, leaks: false });
    }
  });
});
