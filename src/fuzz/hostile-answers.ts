import { int, nul, oid, pdu, seq, str, TAG, tlv, unsigned } from './ber.js';
import type { ReadRequest } from './read-request.js';

/** Wraps an answer's PDU in the request's kind of message: community (v1/v2c) or USM (v3). */
export type AnswerEnvelope = (pdu: Buffer, options: { community?: string }) => Buffer;

/**
 * What a broken or hostile agent answers, one kind a behaviour, each a way real or crafted devices have
 * of breaking a manager: truncated and oversized values, types nobody asked for, another community,
 * another request-id, walks that never end, answers as large as UDP allows, garbage. Each takes the
 * request it answers and gives the datagrams to send back (none: stay silent).
 */
export const HOSTILE_BEHAVIOURS = [
  'truncated_counter64',
  'empty_counter64',
  'oversized_counter64',
  'bit_string',
  'big_integer',
  'opaque',
  'wrong_community',
  'other_request_id',
  'wrong_oids',
  'bogus_error_status',
  'deep_nesting',
  'huge_length',
  'huge_response',
  'endless_walk',
  'backwards_walk',
  'report_pdu',
  'garbage',
  'duplicate_answers',
  'silent',
] as const;
export type HostileBehaviour = (typeof HOSTILE_BEHAVIOURS)[number];

const COUNTER64_OF_8 = Buffer.from([0x46, 0x08, 0x7f, 1, 2, 3, 4, 5, 6, 7]);

/** An OID given as BER content octets → a full OID TLV. */
const oidTlv = (content: Buffer): Buffer => tlv(TAG.oid, content);

/** Appends sub-identifiers to an OID's content octets (each below 128, one octet each). */
const below = (content: Buffer, ...arcs: number[]): Buffer => Buffer.concat([content, Buffer.from(arcs)]);

interface Reply {
  request: ReadRequest;
  envelope: AnswerEnvelope;
}

function answer(
  { request, envelope }: Reply,
  varbinds: Buffer[],
  options: { community?: string; requestId?: number; errorStatus?: number; errorIndex?: number } = {},
): Buffer {
  const body = pdu(
    TAG.response,
    options.requestId ?? request.requestId,
    varbinds,
    options.errorStatus ?? 0,
    options.errorIndex ?? 0,
  );
  return envelope(body, options.community !== undefined ? { community: options.community } : {});
}

/** Each asked OID answered with `value` (for a GETNEXT/GETBULK, the OID one step below it). */
function each(request: ReadRequest, value: (i: number) => Buffer): Buffer[] {
  const walk = request.pduTag === TAG.getNextRequest || request.pduTag === TAG.getBulkRequest;
  return request.oids.map((name, i) => seq(oidTlv(walk ? below(name, 1) : name), value(i)));
}

let walkStep = 0;

/** A value nested 2,000 SEQUENCEs deep, built once (each level re-encodes the ones inside it). */
const DEEP_NESTING = ((): Buffer => {
  let nested = nul();
  for (let i = 0; i < 2_000; i++) nested = seq(nested);
  return nested;
})();

// One case per hostile behaviour, each a few lines of datagram building: a table read side by side.
// eslint-disable-next-line max-lines-per-function
export function hostileAnswer(
  behaviour: HostileBehaviour,
  request: ReadRequest,
  envelope: AnswerEnvelope,
  random: () => number,
): Buffer[] {
  const reply: Reply = { request, envelope };
  switch (behaviour) {
    case 'truncated_counter64': {
      // The datagram ends inside the last value while every length still claims the whole: what a
      // buggy agent sends when its buffer runs out.
      const full = answer(
        reply,
        each(request, () => COUNTER64_OF_8),
      );
      return [full.subarray(0, full.length - 5)];
    }
    case 'empty_counter64':
      return [
        answer(
          reply,
          each(request, () => Buffer.from([0x46, 0x00])),
        ),
      ];
    case 'oversized_counter64':
      return [
        answer(
          reply,
          each(request, () => tlv(TAG.counter64, Buffer.alloc(12, 0xff))),
        ),
      ];
    case 'bit_string':
      return [
        answer(
          reply,
          each(request, () => tlv(TAG.bitString, Buffer.from([0, 0xff]))),
        ),
      ];
    case 'big_integer':
      return [
        answer(
          reply,
          each(request, () =>
            tlv(TAG.integer, Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
          ),
        ),
      ];
    case 'opaque':
      return [
        answer(
          reply,
          each(request, () => tlv(TAG.opaque, Buffer.from([0x9f, 0x78, 0x04, 0, 0, 0, 0]))),
        ),
      ];
    case 'wrong_community':
      return [
        answer(
          reply,
          each(request, () => int(1)),
          { community: 'not-the-community-you-sent' },
        ),
      ];
    case 'other_request_id':
      return [
        answer(
          reply,
          each(request, () => int(1)),
          { requestId: (request.requestId + 1) | 0 },
        ),
      ];
    case 'wrong_oids':
      return [
        answer(
          reply,
          request.oids.map(() => seq(oid('1.3.6.1.4.1.32473.666.1'), int(1))),
        ),
      ];
    case 'bogus_error_status':
      return [
        answer(
          reply,
          each(request, () => nul()),
          { errorStatus: 99, errorIndex: 500 },
        ),
      ];
    case 'deep_nesting':
      return [
        answer(
          reply,
          each(request, () => DEEP_NESTING),
        ),
      ];
    case 'huge_length': {
      const full = answer(
        reply,
        each(request, () => int(1)),
      );
      // The outer SEQUENCE claims 4 GiB.
      return [Buffer.concat([Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), full.subarray(2)])];
    }
    case 'huge_response': {
      // As large as one UDP datagram on loopback allows.
      const big = str(Buffer.alloc(60_000, 0x41));
      return [
        answer(
          reply,
          each(request, (i) => (i === 0 ? big : nul())),
        ),
      ];
    }
    case 'endless_walk': {
      // Every answer one step further, never leaving the subtree and never ending.
      walkStep += 1;
      const count =
        request.pduTag === TAG.getBulkRequest ? Math.max(1, Math.min(request.maxRepetitions, 50)) : 1;
      const varbinds: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        const step = walkStep * 64 + i;
        varbinds.push(
          seq(
            oidTlv(below(request.oids[0] ?? Buffer.from([0x2b]), 0x81, step % 128, 1 + ((step >> 7) % 127))),
            int(step),
          ),
        );
      }
      return [answer(reply, varbinds)];
    }
    case 'backwards_walk':
      return [
        answer(
          reply,
          request.oids.map(() => seq(oid('1.3.6.1.2.1.1.1.0'), str('x'))),
        ),
      ];
    case 'report_pdu':
      return [
        envelope(
          pdu(TAG.report, request.requestId, [
            seq(oid('1.3.6.1.6.3.15.1.1.2.0'), unsigned(TAG.counter32, 1)),
          ]),
          {},
        ),
      ];
    case 'garbage': {
      const length = 1 + Math.floor(random() * 200);
      return [Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)))];
    }
    case 'duplicate_answers': {
      const one = answer(
        reply,
        each(request, () => int(1)),
      );
      return [one, one, one];
    }
    case 'silent':
      return [];
  }
}
