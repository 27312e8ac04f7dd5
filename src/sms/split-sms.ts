/**
 * Long messages split into concatenated parts (3GPP TS 23.040 section 9.2.3.24.1: a 6-octet user data
 * header 05 00 03 <ref> <total> <seq>), in the GSM 7-bit default alphabet when every character has a
 * place in it (TS 23.038 section 6.2.1, extension table characters take two septets), else UCS-2
 * (Cyrillic). Septets travel one per octet, as SMPP 3.4 carries data_coding 0 (SMSC default alphabet).
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Extension table: character → its code after the escape (0x1B). */
const GSM_EXTENSION = new Map<string, number>([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);
const GSM_CODE = new Map([...GSM_BASIC].map((char, code) => [char, code]));

/** SMPP data_coding: 0 the SMSC default alphabet (GSM 7-bit), 8 UCS-2. */
export type DataCoding = 0 | 8;

export interface SmsParts {
  dataCoding: DataCoding;
  /** Each submit_sm's short_message: the header (when split) and the encoded text. */
  parts: Buffer[];
}

const UDH_LENGTH = 6;
const LIMITS = {
  0: { single: 160, part: 153 },
  8: { single: 70, part: 67 },
} as const;

/** A character's encoded units: one or two septets, or one UTF-16 code unit pair for UCS-2. */
function gsmUnits(char: string): number[] | undefined {
  const code = GSM_CODE.get(char);
  if (code !== undefined) return [code];
  const extension = GSM_EXTENSION.get(char);
  return extension === undefined ? undefined : [0x1b, extension];
}

function ucs2Units(char: string): Buffer {
  return Buffer.from(char, 'utf16le').swap16();
}

/** Cuts the characters into runs of at most `limit` units, never inside an escape or a surrogate pair. */
function chunk(encoded: Buffer[], unitBytes: number, limit: number): Buffer[] {
  const chunks: Buffer[] = [];
  let current: Buffer[] = [];
  let units = 0;
  for (const char of encoded) {
    const size = char.length / unitBytes;
    if (units + size > limit) {
      chunks.push(Buffer.concat(current));
      current = [];
      units = 0;
    }
    current.push(char);
    units += size;
  }
  if (current.length > 0) chunks.push(Buffer.concat(current));
  return chunks;
}

/** `reference` (0-255) ties the parts of one message together on the handset; derive it from the record. */
export function splitSms(text: string, reference: number): SmsParts {
  const chars = [...text];
  const gsm = chars.map(gsmUnits);
  const dataCoding: DataCoding = gsm.every((u) => u !== undefined) ? 0 : 8;
  const encoded =
    dataCoding === 0 ? gsm.map((u) => Buffer.from(u as number[])) : chars.map((c) => ucs2Units(c));
  const unitBytes = dataCoding === 0 ? 1 : 2;
  const total = encoded.reduce((sum, b) => sum + b.length / unitBytes, 0);
  if (total <= LIMITS[dataCoding].single) return { dataCoding, parts: [Buffer.concat(encoded)] };
  const chunks = chunk(encoded, unitBytes, LIMITS[dataCoding].part);
  const ref = reference & 0xff;
  return {
    dataCoding,
    parts: chunks.map((body, i) =>
      Buffer.concat([Buffer.from([UDH_LENGTH - 1, 0x00, 0x03, ref, chunks.length, i + 1]), body]),
    ),
  };
}

/** The text back from parts in order (what a handset shows): the inverse of splitSms, for tests and checks. */
export function joinSms(dataCoding: DataCoding, parts: readonly Buffer[]): string {
  return parts
    .map((part) =>
      part.length > 0 && part[0] === UDH_LENGTH - 1 && parts.length > 1 ? part.subarray(UDH_LENGTH) : part,
    )
    .map((body) => (dataCoding === 8 ? Buffer.from(body).swap16().toString('utf16le') : decodeGsm(body)))
    .join('');
}

function decodeGsm(body: Buffer): string {
  let text = '';
  for (let i = 0; i < body.length; i += 1) {
    const code = body[i] as number;
    if (code === 0x1b && i + 1 < body.length) {
      const next = body[(i += 1)];
      text += [...GSM_EXTENSION].find(([, c]) => c === next)?.[0] ?? ' ';
    } else text += GSM_BASIC[code] ?? ' ';
  }
  return text;
}
