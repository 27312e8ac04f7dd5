import type { SnmpValue } from '../snmp/snmp-value.js';

/**
 * One value as an snmprec line holds it (`OID|TAG|VALUE`, the format of snmpsim and of LibreNMS'
 * device tests): the tag is the BER tag of the type summed from its class and number (snmpsim
 * grammar/snmprec.py), and an `x` after it says the value is hex-encoded octets.
 */
export const SNMPREC_TAGS = {
  Integer: '2',
  OctetString: '4',
  Null: '5',
  ObjectIdentifier: '6',
  IpAddress: '64',
  Counter32: '65',
  Gauge32: '66',
  TimeTicks: '67',
  Opaque: '68',
  Counter64: '70',
} as const satisfies Record<SnmpValue['type'], string>;

const TYPE_OF_TAG = new Map<string, SnmpValue['type']>(
  Object.entries(SNMPREC_TAGS).map(([type, tag]) => [tag, type as SnmpValue['type']]),
);
/** SNMPv2 exceptions have tags too (128-130), but an exception is the absence of a value, never served. */
const EXCEPTION_TAGS = new Set(['128', '129', '130']);

/** RFC 2578: OCTET STRING at most 65535 octets; Integer32 is signed 32-bit; the unsigned types 32-bit. */
export const MAX_OCTETS = 65_535;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = 2n ** 64n - 1n;
/** RFC 2578 section 3.5: at most 128 sub-identifiers, each below 2^32. */
const OID_TEXT = /^\d{1,10}(\.\d{1,10}){1,127}$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const DECIMAL = /^-?\d{1,20}$/;

export function isValidOidText(text: string): boolean {
  return OID_TEXT.test(text) && text.split('.').every((arc) => Number(arc) <= UINT32_MAX);
}

/** Printable ASCII that survives a line as is: no `|` (our writer's choice), no edge spaces (readers trim). */
function isPlainText(bytes: Buffer): boolean {
  if (bytes.length === 0) return true;
  if (bytes[0] === 0x20 || bytes[bytes.length - 1] === 0x20) return false;
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e || byte === 0x7c) return false;
  return true;
}

const octetsOf = (value: string | Buffer): Buffer =>
  Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');

/** A value → its `TAG|VALUE` part, or why no snmprec reader would take it back (a value out of range). */
export function encodeSnmprecValue(value: SnmpValue): { tag: string; text: string } | { error: string } {
  const tag = SNMPREC_TAGS[value.type];
  switch (value.type) {
    case 'OctetString': {
      const bytes = octetsOf(value.value);
      if (bytes.length > MAX_OCTETS) return { error: `OCTET STRING of ${bytes.length} octets (max 65535)` };
      return isPlainText(bytes)
        ? { tag, text: bytes.toString('latin1') }
        : { tag: `${tag}x`, text: bytes.toString('hex') };
    }
    case 'Opaque':
      return value.value.length > MAX_OCTETS
        ? { error: `Opaque of ${value.value.length} octets (max 65535)` }
        : { tag: `${tag}x`, text: value.value.toString('hex') };
    case 'Null':
      return { tag, text: '' };
    case 'Counter64':
      return value.value >= 0n && value.value <= UINT64_MAX
        ? { tag, text: value.value.toString() }
        : { error: `Counter64 ${value.value} out of range` };
    case 'ObjectIdentifier':
      return isValidOidText(value.value)
        ? { tag, text: value.value }
        : { error: 'invalid OBJECT IDENTIFIER' };
    case 'IpAddress':
      return parseIpAddress(value.value) ? { tag, text: value.value } : { error: 'invalid IpAddress' };
    default: {
      const problem = numberProblem(value.type, value.value);
      return problem ? { error: problem } : { tag, text: String(value.value) };
    }
  }
}

function numberProblem(
  type: 'Integer' | 'Counter32' | 'Gauge32' | 'TimeTicks',
  value: number,
): string | undefined {
  if (!Number.isInteger(value)) return `${type} ${value} is not a whole number`;
  const [min, max] = type === 'Integer' ? [INT32_MIN, INT32_MAX] : [0, UINT32_MAX];
  return value < min || value > max ? `${type} ${value} out of range ${min}..${max}` : undefined;
}

function parseIpAddress(text: string): Buffer | undefined {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!parts) return undefined;
  const bytes = parts.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? Buffer.from(bytes) : undefined;
}

/** `TAG` and `VALUE` of a line → a value, range-checked for its type; or what is wrong with them. */
export function decodeSnmprecValue(rawTag: string, text: string): SnmpValue | { error: string } {
  if (rawTag.includes(':')) return { error: `tag "${rawTag}": snmpsim variation modules are not supported` };
  const hex = rawTag.endsWith('x');
  const tag = hex ? rawTag.slice(0, -1) : rawTag;
  if (EXCEPTION_TAGS.has(tag)) return { error: `tag ${tag} is an SNMP exception, not a value` };
  const type = TYPE_OF_TAG.get(tag);
  if (!type) return { error: `unknown tag "${rawTag}" (known: ${[...TYPE_OF_TAG.keys()].join(', ')})` };
  if (hex && !['OctetString', 'Opaque', 'IpAddress'].includes(type))
    return { error: `tag "${rawTag}": only octet values (4, 64, 68) may be hex-encoded` };
  if (hex || type === 'OctetString' || type === 'Opaque') {
    const bytes = hex ? hexBytes(text) : Buffer.from(text, 'utf8');
    if ('error' in bytes) return bytes;
    return octetValue(type, bytes);
  }
  return scalarValue(type, text);
}

function hexBytes(text: string): Buffer | { error: string } {
  if (!HEX.test(text)) return { error: 'hex value must be pairs of hex digits' };
  return Buffer.from(text, 'hex');
}

function octetValue(type: SnmpValue['type'], bytes: Buffer): SnmpValue | { error: string } {
  if (bytes.length > MAX_OCTETS) return { error: `value of ${bytes.length} octets (max 65535)` };
  if (type === 'Opaque') return { type, value: bytes };
  if (type === 'IpAddress')
    return bytes.length === 4
      ? { type, value: [...bytes].join('.') }
      : { error: 'IpAddress must be 4 octets' };
  return { type: 'OctetString', value: bytes };
}

function scalarValue(type: SnmpValue['type'], text: string): SnmpValue | { error: string } {
  switch (type) {
    case 'Null':
      return text === '' ? { type, value: null } : { error: 'Null takes no value' };
    case 'ObjectIdentifier': {
      const oid = text.startsWith('.') ? text.slice(1) : text;
      return isValidOidText(oid) ? { type, value: oid } : { error: `"${clip(text)}" is not a numeric OID` };
    }
    case 'IpAddress':
      return parseIpAddress(text)
        ? { type, value: text }
        : { error: `"${clip(text)}" is not an IPv4 address` };
    case 'Counter64': {
      if (!/^\d{1,20}$/.test(text)) return { error: `"${clip(text)}" is not a Counter64` };
      const value = BigInt(text);
      return value <= UINT64_MAX ? { type, value } : { error: `Counter64 ${text} out of range 0..2^64-1` };
    }
    case 'Integer':
    case 'Counter32':
    case 'Gauge32':
    case 'TimeTicks': {
      if (!DECIMAL.test(text)) return { error: `"${clip(text)}" is not a whole number` };
      const problem = numberProblem(type, Number(text));
      return problem ? { error: problem } : { type, value: Number(text) };
    }
    default:
      return { error: `type ${type} is not read here` };
  }
}

/** Hostile text quoted in a message: short and on one line. */
export function clip(text: string): string {
  const flat = text.replace(/[^\x20-\x7e]/g, '?');
  return flat.length > 40 ? `${flat.slice(0, 40)}…` : flat;
}
