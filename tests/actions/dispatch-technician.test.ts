import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatchTechnician, type DispatchRequest } from '../../src/actions/dispatch-technician.js';
import { AppError } from '../../src/shared/app-error.js';
import { Secret } from '../../src/shared/secret.js';
import { memoryPeakDuring, MiB, streamHugeAnswer, type StreamedAnswer } from '../helpers/huge-answer.js';

/** Generated per run: nothing secret lives in the repository. */
const SECRET = `fs-${randomBytes(24).toString('hex')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature checked against SECRET, as a Stripe-style receiver does. */
  signatureValid: boolean;
  signedAt: number;
}

/** Checks `x-vigil-signature: t=<unix>,v1=<hex>` = HMAC-SHA256(secret, `<t>.<body>`). */
function verifySignature(
  header: string | string[] | undefined,
  body: string,
  secret: string,
): { valid: boolean; t: number } {
  if (typeof header !== 'string') return { valid: false, t: NaN };
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return { valid: false, t: NaN };
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  const given = Buffer.from(match[2] as string, 'hex');
  return { valid: given.length === expected.length && timingSafeEqual(given, expected), t: Number(match[1]) };
}

const request: DispatchRequest = {
  actionId: 'cpe-0001:technician_visit:cpe-0001:reboot_loop@2',
  deviceId: 'cpe-0001',
  subscriberIds: ['sub-0001', 'sub-0002'],
  reason: 'Book a technician visit: the router rebooted 4 times in 1800 s. Do not offer a reboot.',
  evidence: ['rebooted 4 times in 30 min'],
  requestedBy: 'agent:a-17',
  requestedAt: '2025-01-02T03:04:05.000Z',
};

describe('dispatchTechnician against a field service over HTTP', () => {
  let server: Server;
  let url: string;
  const received: Received[] = [];
  /** What the next request is answered with. */
  let answer: { status: number; body: string } = { status: 200, body: '{"ticketId":"T-1"}' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const check = verifySignature(req.headers['x-vigil-signature'], body, SECRET);
        received.push({ headers: req.headers, body, signatureValid: check.valid, signedAt: check.t });
        // A 3xx points elsewhere on this server: a sender that followed it would be received twice.
        const location = answer.status >= 300 && answer.status < 400 ? { location: '/v1/elsewhere' } : {};
        res.writeHead(answer.status, { 'content-type': 'application/json', ...location }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/visits`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    received.length = 0;
    answer = { status: 200, body: '{"ticketId":"T-1"}' };
  });

  /** The rejection of a dispatch that must fail, as an AppError. */
  async function failure(target = url, secret = new Secret(SECRET)): Promise<AppError> {
    const error = await dispatchTechnician(target, secret, request, 2_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.message).not.toContain(SECRET);
    expect(JSON.stringify({ ...appError, message: appError.message })).not.toContain(SECRET);
    return appError;
  }

  it('POSTs the request as JSON, signed over <t>.<body>, keyed by the action id, and returns the ticket', async () => {
    const before = Math.floor(Date.now() / 1000);
    await expect(dispatchTechnician(url, new Secret(SECRET), request)).resolves.toEqual({
      ticketId: 'T-1',
    });
    const after = Math.floor(Date.now() / 1000);
    expect(received).toHaveLength(1);
    const [got] = received as [Received];
    expect(got.signatureValid).toBe(true);
    expect(got.signedAt).toBeGreaterThanOrEqual(before);
    expect(got.signedAt).toBeLessThanOrEqual(after);
    expect(got.headers['idempotency-key']).toBe(request.actionId);
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(got.body)).toEqual(request);
    // The secret itself travels nowhere: not in a header, not in the body.
    expect(JSON.stringify(got.headers)).not.toContain(SECRET);
    expect(got.body).not.toContain(SECRET);
  });

  it('signs with the secret it is given: a receiver with another secret rejects it', async () => {
    await dispatchTechnician(url, new Secret(`other-${SECRET}`), request);
    expect(received).toHaveLength(1);
    expect(received[0]!.signatureValid).toBe(false);
    expect(
      verifySignature(received[0]!.headers['x-vigil-signature'], received[0]!.body, `other-${SECRET}`),
    ).toMatchObject({ valid: true });
  });

  it('accepts a numeric id as the ticket', async () => {
    answer = { status: 201, body: '{"id":7}' };
    await expect(dispatchTechnician(url, new Secret(SECRET), request)).resolves.toEqual({ ticketId: '7' });
  });

  it.each([500, 503, 429])('a %i is worth retrying', async (status) => {
    answer = { status, body: '{"error":"busy"}' };
    const error = await failure();
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(String(status));
    expect(received).toHaveLength(1);
  });

  it.each([400, 401, 422])('a %i is not: the same request would be refused again', async (status) => {
    answer = { status, body: '{"error":"bad request"}' };
    const error = await failure();
    expect(error.code).toBe('ERR_FIELD_SERVICE_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(String(status));
  });

  it('a 408 is worth retrying: the field service timed the request out, not refused it', async () => {
    answer = { status: 408, body: '' };
    const error = await failure();
    expect(error.code).toBe('ERR_FIELD_SERVICE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('a redirect is not followed: the signed request goes to the configured URL only, and is refused', async () => {
    answer = { status: 307, body: '' };
    const error = await failure();
    expect(error.code).toBe('ERR_FIELD_SERVICE_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('field service answered 307 (a redirect, not followed)');
    expect(received).toHaveLength(1);
  });

  it.each([
    ['no ticket id', '{"status":"ok"}'],
    ['a null ticket id', '{"ticketId":null}'],
    ['an empty ticket id', '{"ticketId":""}'],
    ['an object as ticket id', '{"ticketId":{"n":1}}'],
    ['not JSON', '<html>ok</html>'],
    ['an empty body', ''],
  ])('a 2xx with %s throws', async (_what, body) => {
    answer = { status: 200, body };
    const error = await failure();
    expect(error.code).toBe('ERR_FIELD_SERVICE_INVALID');
  });

  it('an unreachable field service is worth retrying, and the error names no secret', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(`http://127.0.0.1:${port}/v1/visits`);
    expect(error.code).toBe('ERR_FIELD_SERVICE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/unreachable/);
    expect(String(error.cause)).not.toContain(SECRET);
  });

  it('a field service that never answers times out as retryable', async () => {
    const silent = createServer(() => {
      // Accepts the request and never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const error = await dispatchTechnician(
        `http://127.0.0.1:${port}/v1/visits`,
        new Secret(SECRET),
        request,
        300,
      ).then(
        () => undefined,
        (e: unknown) => e as AppError,
      );
      expect(error).toBeInstanceOf(AppError);
      expect(error?.retryable).toBe(true);
      expect(error?.message).not.toContain(SECRET);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('dispatchTechnician against a field service that answers 200 MB', () => {
  let server: Server;
  let url: string;
  let status = 201;
  let streamed: StreamedAnswer | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        streamed = streamHugeAnswer(res, status, 200 * MiB, { 'content-type': 'application/json' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/visits`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function dispatchMeasured(): Promise<{ error: AppError; rssGrowth: number; buffers: number }> {
    const { result, peak } = await memoryPeakDuring(() =>
      dispatchTechnician(url, new Secret(SECRET), request, 30_000).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(result).toBeInstanceOf(AppError);
    // The field service was cut off, not read to its end.
    expect((await streamed!.done).finished).toBe(false);
    return { error: result as AppError, rssGrowth: peak.rss, buffers: peak.arrayBuffers };
  }

  it('a 2xx over 64 KiB books no ticket: a retryable ERR_FIELD_SERVICE_INVALID, memory flat', async () => {
    status = 201;
    const { error, rssGrowth, buffers } = await dispatchMeasured();
    expect(error.code).toBe('ERR_FIELD_SERVICE_INVALID');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'field service answered 201 with a reply over 64 KiB; no ticketId read from it',
    );
    expect(buffers).toBeLessThan(16 * MiB);
    expect(rssGrowth).toBeLessThan(48 * MiB);
  });

  it('a 503 over 64 KiB is still just "answered 503", retryable, memory flat', async () => {
    status = 503;
    const { error, rssGrowth, buffers } = await dispatchMeasured();
    expect(error.code).toBe('ERR_FIELD_SERVICE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('field service answered 503');
    expect(buffers).toBeLessThan(16 * MiB);
    expect(rssGrowth).toBeLessThan(48 * MiB);
  });
});
