import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FieldRequest {
  idempotencyKey: string | undefined;
  signatureValid: boolean;
  body: {
    actionId?: string;
    deviceId?: string;
    subscriberIds?: string[];
    reason?: string;
    evidence?: string[];
    requestedBy?: string;
  };
  status: number;
}

export interface FakeFieldService {
  url: string;
  /** Every request, in order, with the status it got. */
  requests: FieldRequest[];
  /** Devices whose visits it refuses with a 400 (a request it will never accept). */
  refused: Set<string>;
  close(): Promise<void>;
}

/**
 * A field service over HTTP that checks the signature (401 when wrong), refuses the devices in
 * `refused` (400), answers the first request of each idempotency key with a 503 and books a ticket on
 * the next one.
 */
export async function startFakeFieldService(secret: string): Promise<FakeFieldService> {
  const requests: FieldRequest[] = [];
  const refused = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(text) as FieldRequest['body'];
      const key = req.headers['idempotency-key'] as string | undefined;
      const valid = signatureValid(secret, req.headers['x-vigil-signature'], text);
      const seen = requests.filter((r) => r.idempotencyKey === key).length;
      const status = !valid ? 401 : refused.has(body.deviceId ?? '') ? 400 : seen === 0 ? 503 : 201;
      requests.push({ idempotencyKey: key, signatureValid: valid, body, status });
      const reply = status === 201 ? { ticketId: `T-${requests.length}` } : { error: `status ${status}` };
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/visits`,
    requests,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `x-vigil-signature: t=<unix>,v1=<hex>` = HMAC-SHA256(secret, `<t>.<body>`), as the receiver checks it. */
function signatureValid(secret: string, header: string | string[] | undefined, body: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  const given = Buffer.from(match[2] as string, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
