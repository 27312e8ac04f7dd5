import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyExcerpt, readCappedBody, RESPONSE_BODY_CAP_BYTES } from '../../src/platform/read-capped-body.js';
import { memoryPeakDuring, MiB, streamHugeAnswer, type StreamedAnswer } from '../helpers/huge-answer.js';

describe('readCappedBody against a real HTTP server', () => {
  let server: Server;
  let base: string;
  let lastHuge: StreamedAnswer | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/huge') lastHuge = streamHugeAnswer(res, 200, 200 * MiB);
      else if (path === '/exact') res.end(Buffer.alloc(RESPONSE_BODY_CAP_BYTES, 'a'));
      else if (path === '/control') res.end('line one\r\n\tline\u0000two\u2028three');
      else res.end('{"ticketId":"T-9"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads a small body whole', async () => {
    const body = await readCappedBody(await fetch(`${base}/small`));
    expect(body).toEqual({ text: '{"ticketId":"T-9"}', bytes: 18, overCap: false });
  });

  it('a body of exactly the cap is whole, not over it', async () => {
    const body = await readCappedBody(await fetch(`${base}/exact`));
    expect(body.bytes).toBe(RESPONSE_BODY_CAP_BYTES);
    expect(body.overCap).toBe(false);
  });

  it('stops at the cap on a 200 MB answer: memory stays flat and the connection is dropped, not drained', async () => {
    const { result, peak } = await memoryPeakDuring(async () => readCappedBody(await fetch(`${base}/huge`)));
    expect(result.overCap).toBe(true);
    expect(result.bytes).toBe(RESPONSE_BODY_CAP_BYTES);
    expect(result.text).toBe('x'.repeat(RESPONSE_BODY_CAP_BYTES));
    // A buffered body would be 200 MB of array buffers; the bound is generous on purpose.
    expect(peak.arrayBuffers).toBeLessThan(16 * MiB);
    expect(peak.rss).toBeLessThan(48 * MiB);
    const served = await lastHuge!.done;
    expect(served.finished).toBe(false);
    expect(served.bytesWritten).toBeLessThan(100 * MiB);
  });

  it('a smaller cap is honoured too', async () => {
    const body = await readCappedBody(await fetch(`${base}/small`), 5);
    expect(body).toEqual({ text: '{"tic', bytes: 5, overCap: true });
  });

  it('excerpts are one short line and say when the body was cut', async () => {
    const control = await readCappedBody(await fetch(`${base}/control`));
    expect(bodyExcerpt(control)).toBe('line one line two three');
    expect(bodyExcerpt({ text: 'y'.repeat(500), bytes: 500, overCap: false }, 10)).toBe(`${'y'.repeat(10)}…`);
    expect(bodyExcerpt({ text: 'busy', bytes: 65_536, overCap: true })).toBe(
      'busy [body over 64 KiB, not read further]',
    );
    expect(bodyExcerpt({ text: '', bytes: 0, overCap: false })).toBe('');
  });
});
