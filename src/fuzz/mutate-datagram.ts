/**
 * Seeded mutations of SNMP datagrams, the way a fuzzer or an attacker breaks them: bits flipped,
 * truncated, lengths inflated, tags swapped for every ASN.1 type, integers stretched, values nested
 * thousands deep, pieces of two messages spliced, and plain noise. The same seed gives the same
 * datagrams, so a crash found in a long run is a fixture for a test.
 */
export const MUTATIONS = [
  'flip_bits',
  'truncate',
  'inflate_length',
  'swap_tag',
  'stretch_integer',
  'deep_nesting',
  'splice',
  'noise',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

interface Header {
  /** Offset of the tag octet. */
  at: number;
  tag: number;
  /** Offset of the first length octet. */
  lengthAt: number;
  contentAt: number;
  length: number;
}

/** Every TLV header a lenient walk of the datagram finds (constructed types are entered). */
export function tlvHeaders(datagram: Buffer): Header[] {
  const found: Header[] = [];
  const walk = (start: number, end: number, depth: number): void => {
    let pos = start;
    while (pos + 2 <= end && found.length < 4_096 && depth < 64) {
      const at = pos;
      const tag = datagram[pos++] as number;
      const lengthAt = pos;
      let length = datagram[pos++] as number;
      if (length & 0x80) {
        const count = length & 0x7f;
        if (count === 0 || count > 4 || pos + count > end) return;
        length = 0;
        for (let i = 0; i < count; i++) length = length * 256 + (datagram[pos++] as number);
      }
      if (pos + length > end) return;
      found.push({ at, tag, lengthAt, contentAt: pos, length });
      if (tag & 0x20) walk(pos, pos + length, depth + 1);
      pos += length;
    }
  };
  walk(0, datagram.length, 0);
  return found;
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

// One case per mutation, each a few lines: a table read side by side.
// eslint-disable-next-line max-lines-per-function
export function mutateDatagram(
  seed: Buffer,
  mutation: Mutation,
  random: () => number,
  other: Buffer = seed,
): Buffer {
  const headers = tlvHeaders(seed);
  const header = headers.length > 0 ? pick(random, headers) : undefined;
  switch (mutation) {
    case 'flip_bits': {
      const out = Buffer.from(seed);
      const flips = 1 + Math.floor(random() * 8);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const at = Math.floor(random() * out.length);
        out[at] = (out[at] as number) ^ (1 << Math.floor(random() * 8));
      }
      return out;
    }
    case 'truncate':
      return Buffer.from(seed.subarray(0, Math.floor(random() * seed.length)));
    case 'inflate_length': {
      if (!header) return Buffer.from(seed);
      const lengths = [
        [0x7f],
        [0x81, 0xff],
        [0x82, 0xff, 0xff],
        [0x84, 0xff, 0xff, 0xff, 0xff],
        [0x84, 0x7f, 0xff, 0xff, 0xff],
        [0x80],
        [0x85, 1, 0, 0, 0, 0],
        [header.length + 1],
      ];
      return Buffer.concat([
        seed.subarray(0, header.lengthAt),
        Buffer.from(pick(random, lengths).map((b) => b & 0xff)),
        seed.subarray(header.contentAt),
      ]);
    }
    case 'swap_tag': {
      if (!header) return Buffer.from(seed);
      const out = Buffer.from(seed);
      // Every tag octet: universal, application (SNMP's types), context (PDUs, exceptions), private.
      out[header.at] = Math.floor(random() * 256);
      return out;
    }
    case 'stretch_integer': {
      const integers = headers.filter((h) => [0x02, 0x41, 0x42, 0x43, 0x46].includes(h.tag));
      const target = integers.length > 0 ? pick(random, integers) : header;
      if (!target) return Buffer.from(seed);
      const size = pick(random, [0, 5, 8, 9, 10, 17, 128]);
      const content = Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)));
      return Buffer.concat([
        seed.subarray(0, target.lengthAt),
        Buffer.from([size]),
        content,
        seed.subarray(target.contentAt + target.length),
      ]);
    }
    case 'deep_nesting': {
      if (!header) return Buffer.from(seed);
      const depth = pick(random, [64, 1_000, 10_000]);
      // Indefinite-looking nests of constructed tags with short-form lengths: cheap to build, deep to read.
      const nest = Buffer.alloc(depth * 2);
      for (let i = 0; i < depth; i++) {
        nest[i * 2] = pick(random, [0x30, 0xa2, 0xa7, 0x24]);
        nest[i * 2 + 1] = 0x80 | 0;
      }
      return Buffer.concat([seed.subarray(0, header.at), nest, seed.subarray(header.at)]);
    }
    case 'splice': {
      const cut = Math.floor(random() * seed.length);
      const from = Math.floor(random() * other.length);
      return Buffer.concat([seed.subarray(0, cut), other.subarray(from)]);
    }
    case 'noise': {
      const length = Math.floor(random() * 512);
      return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
    }
  }
}
