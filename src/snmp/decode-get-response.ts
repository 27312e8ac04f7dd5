import type { SnmpException, SnmpValue } from './snmp-value.js';

export interface DecodedVarbind {
  /** Where the OID's BER content octets sit in the datagram, compared with what was asked in place. */
  oidStart: number;
  oidLength: number;
  value: SnmpValue | SnmpException;
}

export interface DecodedResponse {
  datagram: Buffer;
  version: number;
  community: Buffer;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: DecodedVarbind[];
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
  truncated?: boolean;
}

function header(c: Cursor, expectedTag?: number, clamp = false): { tag: number; length: number } {
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
  return { tag, length };
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
      return { type: 'ObjectIdentifier', value: oidText(buf, start, length) };
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
    const c: Cursor = { buf: datagram, pos: 0, end: datagram.length };
    // The message and PDU lengths may claim more than arrived (a truncated answer): read on as far as
    // the request-id, so that the request it answers learns its device sent garbage.
    const message = header(c, 0x30, true);
    c.end = c.pos + message.length;
    const v = header(c, 0x02);
    const version = signedInt(datagram, c.pos, v.length);
    c.pos += v.length;
    const community = header(c, 0x04);
    communityBytes = datagram.subarray(c.pos, c.pos + community.length);
    c.pos += community.length;
    header(c, 0xa2, true);
    const fields: number[] = [];
    for (let i = 0; i < 3; i++) {
      const field = header(c, 0x02);
      fields.push(signedInt(datagram, c.pos, field.length));
      c.pos += field.length;
      if (i === 0) requestId = fields[0];
    }
    if (c.truncated) throw new Malformed('truncated');
    const list = header(c, 0x30);
    const listEnd = c.pos + list.length;
    const varbinds: DecodedVarbind[] = [];
    while (c.pos < listEnd) {
      const vb = header(c, 0x30);
      const vbEnd = c.pos + vb.length;
      const oid = header(c, 0x06);
      const oidStart = c.pos;
      c.pos += oid.length;
      const val = header(c);
      if (c.pos + val.length > vbEnd) throw new Malformed('varbind overrun');
      varbinds.push({ oidStart, oidLength: oid.length, value: value(val.tag, datagram, c.pos, val.length) });
      c.pos = vbEnd;
    }
    return {
      datagram,
      version,
      community: communityBytes,
      requestId: fields[0] as number,
      errorStatus: fields[1] as number,
      errorIndex: fields[2] as number,
      varbinds,
    };
  } catch (error) {
    return {
      malformed: error instanceof Malformed ? error.message : 'undecodable',
      ...(requestId !== undefined ? { requestId } : {}),
      ...(communityBytes !== undefined ? { community: communityBytes } : {}),
    };
  }
}
