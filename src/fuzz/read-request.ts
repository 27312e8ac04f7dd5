/**
 * Reads what a hostile agent needs from a request — version, community (or the SNMPv3 header of a
 * noAuthNoPriv message), PDU type, request-id, the OIDs asked (as content octets) and GETBULK's
 * max-repetitions — without decoding values. Undefined for anything else (encrypted or authenticated
 * v3, garbage): the hostile agent does not answer those.
 */
export interface UsmHeader {
  msgId: number;
  /** msgFlags: 0x04 reportable; 0x01 auth and 0x02 priv are refused here. */
  flags: number;
  engineId: Buffer;
  userName: Buffer;
}

export interface ReadRequest {
  version: number;
  community: Buffer;
  usm?: UsmHeader;
  pduTag: number;
  requestId: number;
  /** error-status of a request, or non-repeaters of a GETBULK. */
  nonRepeaters: number;
  /** error-index of a request, or max-repetitions of a GETBULK. */
  maxRepetitions: number;
  oids: Buffer[];
}

interface Cursor {
  buf: Buffer;
  pos: number;
}

function header(c: Cursor): { tag: number; length: number } | undefined {
  if (c.pos + 2 > c.buf.length) return undefined;
  const tag = c.buf[c.pos++] as number;
  let length = c.buf[c.pos++] as number;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || c.pos + count > c.buf.length) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (c.buf[c.pos++] as number);
  }
  if (c.pos + length > c.buf.length) return undefined;
  return { tag, length };
}

function integer(c: Cursor): number | undefined {
  const h = header(c);
  if (!h || h.tag !== 0x02 || h.length === 0 || h.length > 6) return undefined;
  let value = (c.buf[c.pos] as number) & 0x80 ? -1 : 0;
  for (let i = 0; i < h.length; i++) value = value * 256 + (c.buf[c.pos + i] as number);
  c.pos += h.length;
  return value;
}

function octets(c: Cursor): Buffer | undefined {
  const h = header(c);
  if (!h || h.tag !== 0x04) return undefined;
  const bytes = c.buf.subarray(c.pos, c.pos + h.length);
  c.pos += h.length;
  return bytes;
}

/** RFC 3412 section 6: msgGlobalData, then USM's msgSecurityParameters (RFC 3414 section 2.4), then the scoped PDU. */
function readUsmHeader(c: Cursor): UsmHeader | undefined {
  if (header(c)?.tag !== 0x30) return undefined;
  const msgId = integer(c);
  const maxSize = integer(c);
  const flags = octets(c);
  const model = integer(c);
  if (msgId === undefined || maxSize === undefined || flags?.length !== 1 || model !== 3) return undefined;
  const security = octets(c);
  if (!security) return undefined;
  const s: Cursor = { buf: security, pos: 0 };
  if (header(s)?.tag !== 0x30) return undefined;
  const engineId = octets(s);
  const boots = integer(s);
  const time = integer(s);
  const userName = octets(s);
  if (!engineId || boots === undefined || time === undefined || !userName) return undefined;
  if (header(c)?.tag !== 0x30) return undefined;
  if (!octets(c) || !octets(c)) return undefined; // contextEngineID, contextName
  return {
    msgId,
    flags: flags[0] as number,
    engineId: Buffer.from(engineId),
    userName: Buffer.from(userName),
  };
}

export function readRequest(datagram: Buffer): ReadRequest | undefined {
  const c: Cursor = { buf: datagram, pos: 0 };
  if (header(c)?.tag !== 0x30) return undefined;
  const version = integer(c);
  let communityBytes: Buffer = Buffer.alloc(0);
  let usm: UsmHeader | undefined;
  if (version === 3) {
    usm = readUsmHeader(c);
    if (!usm || usm.flags & 0x03) return undefined;
  } else if (version === 0 || version === 1) {
    const community = octets(c);
    if (!community) return undefined;
    communityBytes = community;
  } else return undefined;
  const pduHeader = header(c);
  if (!pduHeader) return undefined;
  const requestId = integer(c);
  const nonRepeaters = integer(c);
  const maxRepetitions = integer(c);
  if (requestId === undefined || nonRepeaters === undefined || maxRepetitions === undefined) return undefined;
  const list = header(c);
  if (!list || list.tag !== 0x30) return undefined;
  const end = c.pos + list.length;
  const oids: Buffer[] = [];
  while (c.pos < end) {
    const vb = header(c);
    if (!vb || vb.tag !== 0x30) return undefined;
    const vbEnd = c.pos + vb.length;
    const name = header(c);
    if (!name || name.tag !== 0x06) return undefined;
    oids.push(datagram.subarray(c.pos, c.pos + name.length));
    c.pos = vbEnd;
  }
  return {
    version,
    community: communityBytes,
    ...(usm ? { usm } : {}),
    pduTag: pduHeader.tag,
    requestId,
    nonRepeaters,
    maxRepetitions,
    oids,
  };
}
