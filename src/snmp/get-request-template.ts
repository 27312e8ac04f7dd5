import { parseOid } from './oid.js';

/**
 * An SNMPv1/v2c GetRequest encoded once (RFC 3416 PDU inside an RFC 1157/1901 message), reused for
 * every poll of every device that asks the same OIDs with the same community: sending is a copy and a
 * 4-byte patch of the request-id. BER (X.690) with definite lengths.
 */
export interface GetRequestTemplate {
  readonly bytes: Buffer;
  /** Offset of the 4 content bytes of request-id. */
  readonly requestIdOffset: number;
  /** Each requested OID, BER-encoded (content bytes only), to check a response without decoding it. */
  readonly encodedOids: readonly Buffer[];
  readonly oids: readonly string[];
  /** The community's bytes, which an answer must echo (RFC 1901); a view into `bytes`. */
  readonly community: Buffer;
}

/** Request ids stay in [2^24, 2^31): always exactly 4 content bytes, so the encoding stays minimal. */
export const MIN_REQUEST_ID = 0x01000000;
export const MAX_REQUEST_ID = 0x7fffffff;

const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  getRequest: 0xa0,
} as const;

export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

function encodeInteger(value: number): Buffer {
  const bytes: number[] = [];
  let n = value;
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return tlv(TAG.integer, Buffer.from(bytes));
}

/** OID content octets: first two arcs combined, then base-128 with continuation bits (X.690 8.19). */
export function encodeOidContent(oid: string): Buffer {
  const arcs = parseOid(oid);
  const out: number[] = [];
  const push = (arc: number): void => {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    out.push(...chunk);
  };
  push((arcs[0] as number) * 40 + (arcs[1] as number));
  for (const arc of arcs.slice(2)) push(arc);
  return Buffer.from(out);
}

export function createGetRequestTemplate(
  version: '1' | '2c',
  community: string,
  oids: readonly string[],
): GetRequestTemplate {
  if (oids.length === 0) throw new Error('a GET needs at least one OID');
  const encodedOids = oids.map(encodeOidContent);
  const varbinds = tlv(
    TAG.sequence,
    Buffer.concat(
      encodedOids.map((oid) =>
        tlv(TAG.sequence, Buffer.concat([tlv(TAG.oid, oid), Buffer.from([TAG.null, 0])])),
      ),
    ),
  );
  // request-id: INTEGER with 4 content bytes, patched per request.
  const requestId = Buffer.from([TAG.integer, 4, 0x01, 0, 0, 0]);
  const pduBody = Buffer.concat([requestId, encodeInteger(0), encodeInteger(0), varbinds]);
  const pdu = tlv(TAG.getRequest, pduBody);
  const communityBytes = Buffer.from(community, 'utf8');
  const header = Buffer.concat([
    encodeInteger(version === '1' ? 0 : 1),
    tlv(TAG.octetString, communityBytes),
  ]);
  const message = tlv(TAG.sequence, Buffer.concat([header, pdu]));
  // The request-id content sits right after the PDU's tag and length.
  const pduOffset = message.length - pdu.length;
  const pduHeaderLength = 1 + encodeLength(pduBody.length).length;
  return {
    bytes: message,
    requestIdOffset: pduOffset + pduHeaderLength + 2,
    encodedOids,
    oids: [...oids],
    community: communityBytes,
  };
}

/** The template with this request's id written into `target` at `at`; returns its length. */
export function writeRequest(
  template: GetRequestTemplate,
  requestId: number,
  target: Buffer,
  at: number,
): number {
  const length = template.bytes.copy(target, at);
  target.writeUInt32BE(requestId, at + template.requestIdOffset);
  return length;
}

/** A copy of the template with this request's id, ready to send. */
export function requestFromTemplate(template: GetRequestTemplate, requestId: number): Buffer {
  const bytes = Buffer.from(template.bytes);
  bytes.writeUInt32BE(requestId, template.requestIdOffset);
  return bytes;
}
