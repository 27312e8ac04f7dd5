import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../shared/secret.js';

/** Signatures older than this are refused by `verifySignature`: a captured delivery cannot be replayed later. */
export const SIGNATURE_TOLERANCE_S = 300;

/**
 * `X-Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` — the timestamp is
 * signed with the body, so a receiver that checks it (see verifySignature) is safe from replays.
 */
export function signPayload(
  secret: Secret,
  body: string,
  timestampS = Math.floor(Date.now() / 1000),
): string {
  const mac = createHmac('sha256', secret.reveal()).update(`${timestampS}.${body}`).digest('hex');
  return `t=${timestampS},v1=${mac}`;
}

/** What a receiver does (and our tests do): recompute, compare in constant time, check the age. */
export function verifySignature(
  secret: Secret,
  body: string,
  header: string,
  nowS = Math.floor(Date.now() / 1000),
): boolean {
  const parts = new Map(header.split(',').map((part) => part.trim().split('=') as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowS - t) > SIGNATURE_TOLERANCE_S || !/^[0-9a-f]{64}$/.test(v1))
    return false;
  const expected = createHmac('sha256', secret.reveal()).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}
