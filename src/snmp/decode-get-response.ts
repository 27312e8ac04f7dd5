import type { SnmpException, SnmpValue } from './snmp-value.js';

/**
 * The varbinds come as two flat arrays, not an object per varbind: a poll answers ~60 of them and
 * every object was garbage a few microseconds later (the poll path's largest allocation site).
 */
export interface DecodedResponse {
  datagram: Buffer;
  version: number;
  community: Buffer;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  /** One value per varbind, in the answer's order. */
  values: (SnmpValue | SnmpException)[];
  /**
   * Where each varbind's OID content octets sit in the datagram, as [start, length] pairs (varbind i
   * at 2i and 2i + 1), so the answer's OIDs are compared with what was asked in place.
   */
  oidSpans: number[];
}

/**
 * How far a broken datagram could be read: once the request-id is known, the request it answers can be
 * told that its device sent garbage (the outcome `malformed`) instead of waiting for a timeout.
 */
export interface MalformedResponse {
  malformed: string;
  requestId?: number;
  community?: Buffer;
}

class Malformed extends Error {}

interface Cursor {
  buf: Buffer;
  pos: number;
  end: number;
  /** An enclosing length claimed more than the datagram holds. */
  truncated: boolean;
  /** The last header's tag: kept on the cursor, so reading a header allocates nothing. */
  tag: number;
}

/** Reads a TLV header at the cursor: sets `c.tag`, answers the content length, leaves `c.pos` on the content. */
function header(c: Cursor, expectedTag?: number, clamp = false): number {
  if (c.pos + 2 > c.end) throw new Malformed('truncated');
  const tag = c.buf[c.pos++] as number;
  if (expectedTag !== undefined && tag !== expectedTag) throw new Malformed(`tag ${tag}`);
  let length = c.buf[c.pos++] as number;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || c.pos + count > c.end) throw new Malformed('length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (c.buf[c.pos++] as number);
  }
  if (c.pos + length > c.end) {
    if (!clamp) throw new Malformed('overrun');
    c.truncated = true;
    length = c.end - c.pos;
  }
  c.tag = tag;
  return length;
}

function signedInt(buf: Buffer, start: number, length: number): number {
  if (length === 0 || length > 6) throw new Malformed('integer size');
  let value = (buf[start] as number) & 0x80 ? -1 : 0;
  for (let i = 0; i < length; i++) value = value * 256 + (buf[start + i] as number);
  return value;
}

function unsignedInt(buf: Buffer, start: number, length: number): number {
  if (length === 0 || length > 5) throw new Malformed('unsigned size');
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + (buf[start + i] as number);
  return value % 2 ** 32;
}

/** An unsigned integer of at most 6 octets (48 bits), exact as a double. */
function unsignedWide(buf: Buffer, start: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + (buf[start + i] as number);
  return value;
}

/**
 * OID values seen before, by their content octets: agents answer the same few (sysObjectID,
 * hrStorageType) at every poll, and a lookup costs one short string where decoding built an array of
 * arcs and joined it. Cleared when full, so a hostile agent's endless new OIDs cannot grow it.
 */
const oidTexts = new Map<string, string>();
const OID_TEXTS_MAX = 10_000;

function cachedOidText(buf: Buffer, start: number, length: number): string {
  const octets = buf.toString('latin1', start, start + length);
  let text = oidTexts.get(octets);
  if (text === undefined) {
    text = oidText(buf, start, length);
    if (oidTexts.size >= OID_TEXTS_MAX) oidTexts.clear();
    oidTexts.set(octets, text);
  }
  return text;
}

function oidText(buf: Buffer, start: number, length: number): string {
  // X.690 8.19: base-128 sub-identifiers, the last octet of each without bit 8; RFC 2578 caps an OID at
  // 128 sub-identifiers of 32 bits.
  if (length === 0 || length > 128 * 5 || (buf[start + length - 1] as number) & 0x80)
    throw new Malformed('oid');
  const arcs: number[] = [];
  let arc = 0;
  for (let i = start; i < start + length; i++) {
    const byte = buf[i] as number;
    arc = arc * 128 + (byte & 0x7f);
    if (arc >= 2 ** 32 + 80) throw new Malformed('oid arc');
    if (!(byte & 0x80)) {
      if (arcs.length === 0) arcs.push(arc < 80 ? Math.floor(arc / 40) : 2, arc < 80 ? arc % 40 : arc - 80);
      else arcs.push(arc);
      arc = 0;
    }
  }
  return arcs.join('.');
}

function value(tag: number, buf: Buffer, start: number, length: number): SnmpValue | SnmpException {
  switch (tag) {
    case 0x02:
      return { type: 'Integer', value: signedInt(buf, start, length) };
    case 0x04:
      // A view, not a copy: dgram hands each datagram a buffer of its own, and values are read at once.
      return { type: 'OctetString', value: buf.subarray(start, start + length) };
    case 0x05:
      if (length !== 0) throw new Malformed('null');
      return { type: 'Null', value: null };
    case 0x06:
      return { type: 'ObjectIdentifier', value: cachedOidText(buf, start, length) };
    case 0x40:
      if (length !== 4) throw new Malformed('ipaddress');
      return { type: 'IpAddress', value: [...buf.subarray(start, start + length)].join('.') };
    case 0x41:
      return { type: 'Counter32', value: unsignedInt(buf, start, length) };
    case 0x42:
      return { type: 'Gauge32', value: unsignedInt(buf, start, length) };
    case 0x43:
      return { type: 'TimeTicks', value: unsignedInt(buf, start, length) };
    case 0x46: {
      if (length === 0 || length > 9) throw new Malformed('counter64 size');
      // Up to 6 octets fit a double exactly: one BigInt made, not one per octet.
      if (length <= 6) return { type: 'Counter64', value: BigInt(unsignedWide(buf, start, length)) };
      let big = 0n;
      for (let i = 0; i < length; i++) big = (big << 8n) | BigInt(buf[start + i] as number);
      return { type: 'Counter64', value: BigInt.asUintN(64, big) };
    }
    case 0x80:
    case 0x81:
    case 0x82:
      if (length !== 0) throw new Malformed('exception');
      return tag === 0x80 ? 'noSuchObject' : tag === 0x81 ? 'noSuchInstance' : 'endOfMibView';
    case 0x44: // Opaque (RFC 2578 section 7.1.9; UCD-SNMP wraps floats in it)
    case 0x45: // NsapAddress (RFC 1442)
    case 0x47: // UInteger32 (RFC 1442)
      return { type: 'OctetString', value: Buffer.from(buf.subarray(start, start + length)) };
    default:
      // A BIT STRING, a SEQUENCE, a PDU tag or any other type is no value an SNMP agent may send.
      throw new Malformed(`type ${tag}`);
  }
}

/** How many varbinds the list holds (each header bounds-checked); the cursor is left where it was. */
function countVarbinds(c: Cursor, listEnd: number): number {
  const start = c.pos;
  let count = 0;
  while (c.pos < listEnd) {
    const length = header(c, 0x30); // read before c.pos: header() moves it past the header
    c.pos += length;
    count += 1;
  }
  c.pos = start;
  return count;
}

/**
 * Decodes an SNMPv1/v2c GetResponse (RFC 3416) straight from the datagram: a hand-written BER reader
 * for the one message shape the poll path receives, with every length bounds-checked and every value
 * checked against its type. A malformed datagram gives a MalformedResponse, never an exception: a
 * broken agent is an outcome.
 */
export function decodeGetResponse(datagram: Buffer): DecodedResponse | MalformedResponse {
  let requestId: number | undefined;
  let communityBytes: Buffer | undefined;
  try {
    const c: Cursor = { buf: datagram, pos: 0, end: datagram.length, truncated: false, tag: 0 };
    // The message and PDU lengths may claim more than arrived (a truncated answer): read on as far as
    // the request-id, so that the request it answers learns its device sent garbage.
    const messageLength = header(c, 0x30, true);
    c.end = c.pos + messageLength;
    const versionLength = header(c, 0x02);
    const version = signedInt(datagram, c.pos, versionLength);
    c.pos += versionLength;
    const communityLength = header(c, 0x04);
    communityBytes = datagram.subarray(c.pos, c.pos + communityLength);
    c.pos += communityLength;
    header(c, 0xa2, true);
    const idLength = header(c, 0x02);
    requestId = signedInt(datagram, c.pos, idLength);
    c.pos += idLength;
    const statusLength = header(c, 0x02);
    const errorStatus = signedInt(datagram, c.pos, statusLength);
    c.pos += statusLength;
    const indexLength = header(c, 0x02);
    const errorIndex = signedInt(datagram, c.pos, indexLength);
    c.pos += indexLength;
    if (c.truncated) throw new Malformed('truncated');
    const listLength = header(c, 0x30);
    const listEnd = c.pos + listLength;
    // Sized once (the varbinds counted first), not grown push by push: a poll's ~60 varbinds grew
    // both arrays through several copies.
    const count = countVarbinds(c, listEnd);
    const values = new Array<SnmpValue | SnmpException>(count);
    const oidSpans = new Array<number>(2 * count);
    let n = 0;
    while (c.pos < listEnd) {
      const vbLength = header(c, 0x30);
      const vbEnd = c.pos + vbLength;
      const oidLength = header(c, 0x06);
      oidSpans[2 * n] = c.pos;
      oidSpans[2 * n + 1] = oidLength;
      c.pos += oidLength;
      const valueLength = header(c);
      if (c.pos + valueLength > vbEnd) throw new Malformed('varbind overrun');
      values[n++] = value(c.tag, datagram, c.pos, valueLength);
      c.pos = vbEnd;
    }
    return {
      datagram,
      version,
      community: communityBytes,
      requestId,
      errorStatus,
      errorIndex,
      values,
      oidSpans,
    };
  } catch (error) {
    return {
      malformed: error instanceof Malformed ? error.message : 'undecodable',
      ...(requestId !== undefined ? { requestId } : {}),
      ...(communityBytes !== undefined ? { community: communityBytes } : {}),
    };
  }
}
