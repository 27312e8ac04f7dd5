import { BackWriter } from './ber-back-writer.js';
import { encodeOidContent } from './get-request-template.js';
import { isValidOid } from './net-snmp-values.js';
import type { Oid } from './oid.js';
import type { SnmpValue } from './snmp-value.js';

/**
 * An SNMPv2c GetRequest answered without net-snmp's message layer: the simulator's commonest request,
 * read and written in one pass over the bytes (net-snmp's BER reader and writer were most of a
 * simulator's CPU per answer). Anything else — another version or PDU, a community not accepted here,
 * a length form or value this does not write — is left to net-snmp (`undefined`), which answers or
 * rejects it as before. Never throws on any input.
 */
export interface V2cGetAnswerer<Ctx> {
  answer(ctx: Ctx, datagram: Buffer): Buffer | undefined;
}

type Lookup<Ctx> = (ctx: Ctx, oid: Oid) => SnmpValue | 'noSuchObject' | 'noSuchInstance';

/** More varbinds than this in one GET: net-snmp answers (or refuses) as it always did. */
const MAX_VARBINDS = 256;
const OIDS_KEPT = 20_000;

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** Tag and definite length at `at`, its content's bounds; undefined past `limit` or in a form not read here. */
function readTlv(buf: Buffer, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = buf[at] as number;
  let length = buf[at + 1] as number;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 3 || start + bytes > limit) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (buf[start + i] as number);
    start += bytes;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

function decodeOid(bytes: Buffer): Oid | undefined {
  if (bytes.length === 0) return undefined;
  const first = bytes[0] as number;
  if (first & 0x80) return undefined;
  const arcs = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  let arc = 0;
  for (let i = 1; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    arc = arc * 128 + (byte & 0x7f);
    if (arc >= 2 ** 32) return undefined;
    if (!(byte & 0x80)) {
      arcs.push(arc);
      arc = 0;
    }
  }
  return bytes[bytes.length - 1]! & 0x80 ? undefined : arcs;
}

interface Request {
  community: Buffer;
  requestId: Buffer;
  oids: Buffer[];
}

function parseGet(buf: Buffer): Request | undefined {
  const message = readTlv(buf, 0, buf.length);
  if (!message || message.tag !== 0x30 || message.end !== buf.length) return undefined;
  const version = readTlv(buf, message.start, message.end);
  if (!version || version.tag !== 0x02 || version.end - version.start !== 1 || buf[version.start] !== 1)
    return undefined;
  const community = readTlv(buf, version.end, message.end);
  if (!community || community.tag !== 0x04) return undefined;
  const pdu = readTlv(buf, community.end, message.end);
  if (!pdu || pdu.tag !== 0xa0 || pdu.end !== message.end) return undefined;
  const requestId = readTlv(buf, pdu.start, pdu.end);
  if (!requestId || requestId.tag !== 0x02 || requestId.end - requestId.start > 4) return undefined;
  const errorStatus = readTlv(buf, requestId.end, pdu.end);
  const errorIndex = errorStatus?.tag === 0x02 ? readTlv(buf, errorStatus.end, pdu.end) : undefined;
  const list = errorIndex?.tag === 0x02 ? readTlv(buf, errorIndex.end, pdu.end) : undefined;
  if (!list || list.tag !== 0x30 || list.end !== pdu.end) return undefined;
  const oids: Buffer[] = [];
  for (let at = list.start; at < list.end;) {
    const varbind = readTlv(buf, at, list.end);
    const oid = varbind && varbind.tag === 0x30 ? readTlv(buf, varbind.start, varbind.end) : undefined;
    if (!varbind || !oid || oid.tag !== 0x06 || oids.length >= MAX_VARBINDS) return undefined;
    oids.push(buf.subarray(oid.start, oid.end));
    at = varbind.end;
  }
  return {
    community: buf.subarray(community.start, community.end),
    requestId: buf.subarray(requestId.start, requestId.end),
    oids,
  };
}

const UNSIGNED_TAGS = { Counter32: 0x41, Gauge32: 0x42, TimeTicks: 0x43 } as const;

const isUint32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < 2 ** 32;

/** The value's TLV as net-snmp would write it; false for a value net-snmp should be left to judge. */
function writeValue(w: BackWriter, value: SnmpValue | 'noSuchObject' | 'noSuchInstance'): boolean {
  if (typeof value === 'string') {
    w.header(value === 'noSuchObject' ? 0x80 : 0x81, 0);
    return true;
  }
  switch (value.type) {
    case 'Integer':
      if (!Number.isInteger(value.value) || value.value < -(2 ** 31) || value.value >= 2 ** 31) return false;
      w.header(0x02, w.signed(value.value));
      return true;
    case 'Counter32':
    case 'Gauge32':
    case 'TimeTicks':
      if (!isUint32(value.value)) return false;
      w.header(UNSIGNED_TAGS[value.type], w.unsigned(value.value));
      return true;
    case 'Counter64':
      if (value.value < 0n || value.value >= 2n ** 64n) return false;
      w.header(0x46, w.bigUnsigned(value.value));
      return true;
    case 'OctetString':
    case 'Opaque': {
      const tag = value.type === 'Opaque' ? 0x44 : 0x04;
      if (typeof value.value === 'string') w.header(tag, w.utf8(value.value));
      else {
        w.bytes(value.value);
        w.header(tag, value.value.length);
      }
      return true;
    }
    case 'Null':
      w.header(0x05, 0);
      return true;
    case 'IpAddress': {
      const octets = value.value.split('.').map(Number);
      if (octets.length !== 4 || !octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255))
        return false;
      for (let i = 3; i >= 0; i--) w.byte(octets[i] as number);
      w.header(0x40, 4);
      return true;
    }
    case 'ObjectIdentifier': {
      if (!isValidOid(value.value)) return false;
      const content = encodeOidContent(value.value);
      w.bytes(content);
      w.header(0x06, content.length);
      return true;
    }
    default:
      return false;
  }
}

/**
 * Answers v2c GETs carrying one of `communities` from `lookup`; see V2cGetAnswerer. The OIDs a fleet
 * asks are few: each request OID's bytes are decoded once per process.
 */
export function createV2cGetAnswerer<Ctx>(
  communities: readonly string[],
  lookup: Lookup<Ctx>,
): V2cGetAnswerer<Ctx> {
  const accepted = new Set(communities);
  const oids = new Map<string, Oid | null>();
  const oidOf = (bytes: Buffer): Oid | undefined => {
    const key = bytes.toString('latin1');
    let oid = oids.get(key);
    if (oid === undefined) {
      oid = decodeOid(bytes) ?? null;
      if (oids.size >= OIDS_KEPT) oids.clear();
      oids.set(key, oid);
    }
    return oid ?? undefined;
  };
  const w = new BackWriter();
  return {
    answer(ctx, datagram) {
      try {
        const request = parseGet(datagram);
        if (!request || !accepted.has(request.community.toString('utf8'))) return undefined;
        w.reset();
        // Back to front: the last varbind first, each value before its OID and their header.
        for (let i = request.oids.length - 1; i >= 0; i--) {
          const bytes = request.oids[i] as Buffer;
          const oid = oidOf(bytes);
          const mark = w.size;
          if (!oid || !writeValue(w, lookup(ctx, oid))) return undefined;
          w.bytes(bytes);
          w.header(0x06, bytes.length);
          w.header(0x30, w.size - mark);
        }
        w.header(0x30, w.size);
        for (const byte of [0, 1, 0x02, 0, 1, 0x02]) w.byte(byte); // error-index, error-status: 0
        w.bytes(request.requestId);
        w.header(0x02, request.requestId.length);
        w.header(0xa2, w.size);
        w.bytes(request.community);
        w.header(0x04, request.community.length);
        for (const byte of [1, 1, 0x02]) w.byte(byte); // version: v2c
        w.header(0x30, w.size);
        return w.take();
      } catch {
        // A view that throws, an answer past the writer's 64 KB, or bytes this misread: net-snmp answers as it always did.
        return undefined;
      }
    },
  };
}
