import { encodeLength, encodeOidContent } from '../snmp/get-request-template.js';

/**
 * A small BER (X.690) writer for crafting SNMP datagrams, valid or deliberately broken: the fuzz seeds
 * and the hostile agent build their packets from these, so a test can say exactly which byte is wrong.
 */
export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  ipAddress: 0x40,
  counter32: 0x41,
  gauge32: 0x42,
  timeTicks: 0x43,
  opaque: 0x44,
  counter64: 0x46,
  noSuchObject: 0x80,
  noSuchInstance: 0x81,
  endOfMibView: 0x82,
  getRequest: 0xa0,
  getNextRequest: 0xa1,
  response: 0xa2,
  setRequest: 0xa3,
  trapV1: 0xa4,
  getBulkRequest: 0xa5,
  informRequest: 0xa6,
  trapV2: 0xa7,
  report: 0xa8,
} as const;

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** Two's-complement content octets of a (safe or big) integer, minimal length (X.690 8.3). */
export function integerContent(value: number | bigint): Buffer {
  let n = BigInt(value);
  const bytes: number[] = [];
  for (;;) {
    bytes.unshift(Number(n & 0xffn));
    const rest = n >> 8n;
    const top = (bytes[0] as number) & 0x80;
    if ((rest === 0n && !top) || (rest === -1n && top)) break;
    n = rest;
  }
  return Buffer.from(bytes);
}

export const int = (value: number | bigint, tag: number = TAG.integer): Buffer =>
  tlv(tag, integerContent(value));
export const str = (value: string | Buffer, tag: number = TAG.octetString): Buffer =>
  tlv(tag, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
export const oid = (text: string): Buffer => tlv(TAG.oid, encodeOidContent(text));
export const nul = (tag: number = TAG.null): Buffer => Buffer.from([tag, 0]);
export const seq = (...items: Buffer[]): Buffer => tlv(TAG.sequence, Buffer.concat(items));
export const varbind = (name: string, value: Buffer): Buffer => seq(oid(name), value);

/** Unsigned application types (Counter32, Gauge32, TimeTicks, Counter64): a leading 0 keeps them positive. */
export function unsigned(tag: number, value: number | bigint): Buffer {
  return tlv(tag, integerContent(BigInt(value)));
}

/** An SNMPv1/v2c message (RFC 1157, RFC 1901): version, community, PDU. */
export function communityMessage(version: 0 | 1, community: string | Buffer, pdu: Buffer): Buffer {
  return seq(int(version), str(community), pdu);
}

/** A request-shaped PDU (RFC 3416): request-id, error-status, error-index, varbinds. */
export function pdu(
  tag: number,
  requestId: number,
  varbinds: Buffer[],
  errorStatus = 0,
  errorIndex = 0,
): Buffer {
  return tlv(tag, Buffer.concat([int(requestId), int(errorStatus), int(errorIndex), seq(...varbinds)]));
}

/** An SNMPv1 Trap-PDU (RFC 1157 section 4.1.6). */
export function trapV1Pdu(options: {
  enterprise: string;
  agentAddr: string;
  generic: number;
  specific: number;
  timeStamp: number;
  varbinds: Buffer[];
}): Buffer {
  const address = Buffer.from(options.agentAddr.split('.').map(Number));
  return tlv(
    TAG.trapV1,
    Buffer.concat([
      oid(options.enterprise),
      tlv(TAG.ipAddress, address),
      int(options.generic),
      int(options.specific),
      unsigned(TAG.timeTicks, options.timeStamp),
      seq(...options.varbinds),
    ]),
  );
}
