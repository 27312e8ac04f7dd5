import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signedPost } from '../../src/platform/signed-post.js';
import { verifySignature } from '../../src/platform/sign-payload.js';
import { Secret } from '../../src/shared/secret.js';

/** Generated per run: nothing secret lives in the repository. */
const SECRET = `sp-${randomBytes(24).toString('hex')}`;

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

describe('signedPost against a receiver over HTTP', () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingHttpHeaders; body: string; path: string }[] = [];
  let answer: Answer = { status: 200 };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          path: req.url ?? '',
        });
        res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received.length = 0;
    answer = { status: 200 };
  });

  const post = (target = url, timeoutMs = 2_000) =>
    signedPost({
      url: target,
      secret: new Secret(SECRET),
      body: '{"hello":"world"}',
      headers: { 'x-vigil-event': 'incident.opened' },
      timeoutMs,
    });

  it('sends JSON with the caller headers and a signature a receiver verifies; a 2xx is delivered', async () => {
    answer = { status: 202, body: '{"ok":true}' };
    const outcome = await post();
    expect(outcome).toMatchObject({ verdict: 'delivered', status: 202, answer: { text: '{"ok":true}' } });
    const [got] = received;
    expect(got?.body).toBe('{"hello":"world"}');
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['x-vigil-event']).toBe('incident.opened');
    expect(got?.headers['x-vigil-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(new Secret(SECRET), got!.body, String(got!.headers['x-vigil-signature']))).toBe(
      true,
    );
    expect(JSON.stringify(got?.headers)).not.toContain(SECRET);
  });

  it('a 429 is retried after the Retry-After the receiver asked for', async () => {
    answer = { status: 429, headers: { 'retry-after': '7' } };
    expect(await post()).toMatchObject({ verdict: 'retry', status: 429, retryAfterMs: 7_000 });
  });

  it('a 503 is retried, with the answer kept for an excerpt', async () => {
    answer = { status: 503, body: 'down for maintenance' };
    const outcome = await post();
    expect(outcome).toMatchObject({ verdict: 'retry', reason: 'answered 503', status: 503 });
    expect(outcome.verdict !== 'delivered' && outcome.answer?.text).toBe('down for maintenance');
  });

  it('a 404 is given up', async () => {
    answer = { status: 404 };
    expect(await post()).toMatchObject({ verdict: 'give_up', reason: 'answered 404', status: 404 });
  });

  it('a redirect is given up and not followed', async () => {
    answer = { status: 308, headers: { location: '/elsewhere' } };
    expect(await post()).toMatchObject({
      verdict: 'give_up',
      reason: 'answered 308 (a redirect, not followed)',
    });
    expect(received.map((r) => r.path)).toEqual(['/hook']);
  });

  it('an unreachable receiver is retried, named by its error code, not by library text', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await post(`http://127.0.0.1:${port}/hook`)).toEqual({
      verdict: 'retry',
      reason: 'unreachable (ECONNREFUSED)',
    });
  });

  it('a receiver that never answers is retried once the timeout passes', async () => {
    const silent = createServer(() => {
      // Accepts the request and never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      expect(await post(`http://127.0.0.1:${port}/hook`, 200)).toEqual({
        verdict: 'retry',
        reason: 'unreachable: no answer within 200 ms',
      });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
