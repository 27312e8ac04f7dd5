import { request as httpRequest, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createEarlyShed, type ShedPressure } from '../../src/api/early-shed.js';

/** Below Linux's ephemeral range, as every test port (tests/helpers/test-simulator.ts randomPort). */
const port = (): number => 20_000 + Math.floor(Math.random() * 12_000);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, method: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

/** The gate's server in front of a handler that answers 200 and counts what reached it. */
async function gated(
  maxWritesPerSecond: number,
  now?: () => number,
): Promise<{
  url: string;
  reached: string[];
  counted: ShedPressure[];
  press(pressure: ShedPressure | undefined): void;
}> {
  const early = createEarlyShed({ maxWritesPerSecond, retryAfterSeconds: 3, ...(now ? { now } : {}) });
  const reached: string[] = [];
  const counted: ShedPressure[] = [];
  let pressure: ShedPressure | undefined;
  early.attach({ pressure: () => pressure, count: (p) => counted.push(p) });
  const server = early.serverFactory((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.end('ok');
  }, {});
  servers.push(server);
  for (let tries = 0; ; tries++) {
    const p = port();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(p, '127.0.0.1', () => resolve(true));
    });
    if (bound) return { url: `http://127.0.0.1:${p}`, reached, counted, press: (p2) => (pressure = p2) };
    if (tries > 20) throw new Error('no free port for the test server');
  }
}

describe('early load shedding (ahead of Fastify)', () => {
  it('refuses writes while the loop is pressed with the API’s 503 problem, and never a read', async () => {
    const g = await gated(0);
    expect((await send(`${g.url}/v1/conversations`, 'POST', '{}')).status).toBe(200);
    g.press('eventLoopUtilization');
    const refused = await send(`${g.url}/v1/conversations?x=1`, 'POST', '{"subscriberId":"s-1"}');
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('3');
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    expect(refused.headers['x-request-id']).toMatch(/\S/);
    expect(JSON.parse(refused.body)).toMatchObject({
      status: 503,
      code: 'ERR_API_OVERLOADED',
      instance: '/v1/conversations',
    });
    // Reads and health go through; the refusal was counted under its pressure, and never reached the app.
    expect((await send(`${g.url}/v1/devices/d-1`, 'GET')).status).toBe(200);
    expect((await send(`${g.url}/readyz`, 'GET')).status).toBe(200);
    expect(g.counted).toEqual(['eventLoopUtilization']);
    expect(g.reached).toEqual(['POST /v1/conversations', 'GET /v1/devices/d-1', 'GET /readyz']);
    g.press(undefined);
    expect((await send(`${g.url}/v1/conversations`, 'POST', '{}')).status).toBe(200);
  });

  it('refuses writes past the rate a second, one second of them saved up', async () => {
    let clockMs = 0;
    const g = await gated(3, () => clockMs);
    const post = async (): Promise<number> => (await send(`${g.url}/v1/conversations`, 'POST', '{}')).status;
    // One second's worth saved up (3), then refused until the clock gives a token back.
    expect([await post(), await post(), await post(), await post()]).toEqual([200, 200, 200, 503]);
    expect((await send(`${g.url}/v1/incidents`, 'GET')).status).toBe(200);
    clockMs += 400; // 1.2 tokens
    expect([await post(), await post()]).toEqual([200, 503]);
    expect(g.counted).toEqual(['writesPerSecond', 'writesPerSecond']);
  });
});
