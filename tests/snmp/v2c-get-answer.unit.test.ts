import { describe, expect, it } from 'vitest';
import { communityMessage, nul, pdu, TAG, varbind } from '../../src/fuzz/ber.js';
import { decodeGetResponse } from '../../src/snmp/decode-get-response.js';
import { formatOid, type Oid } from '../../src/snmp/oid.js';
import type { SnmpValue } from '../../src/snmp/snmp-value.js';
import { createV2cGetAnswerer } from '../../src/snmp/v2c-get-answer.js';

/** A device's objects by OID text; anything else is noSuchObject. */
const OBJECTS: Record<string, SnmpValue | 'noSuchInstance'> = {
  '1.3.6.1.2.1.1.3.0': { type: 'TimeTicks', value: 2 ** 31 + 5 },
  '1.3.6.1.2.1.1.5.0': { type: 'OctetString', value: 'gw-Łódź' },
  '1.3.6.1.2.1.1.2.0': { type: 'ObjectIdentifier', value: '1.3.6.1.4.1.2011.2.248' },
  '1.3.6.1.2.1.2.2.1.14.1': { type: 'Counter32', value: 4_294_967_295 },
  '1.3.6.1.2.1.2.2.1.5.1': { type: 'Gauge32', value: 0 },
  '1.3.6.1.2.1.31.1.1.1.6.1': { type: 'Counter64', value: 2n ** 64n - 1n },
  '1.3.6.1.4.1.9.9.109.1.1.1.1.8.1': { type: 'Integer', value: -75 },
  '1.3.6.1.2.1.4.20.1.1.10.0.0.1': { type: 'IpAddress', value: '10.0.0.1' },
  '1.3.6.1.2.1.1.9.1.2.7': 'noSuchInstance',
};

const lookup = (_ctx: unknown, oid: Oid) => OBJECTS[formatOid(oid)] ?? 'noSuchObject';
const answerer = createV2cGetAnswerer(['public', 'private'], lookup);
const get = (oids: string[], community = 'public', version: 0 | 1 = 1, tag: number = TAG.getRequest) =>
  communityMessage(
    version,
    community,
    pdu(
      tag,
      0x1234567,
      oids.map((o) => varbind(o, nul())),
    ),
  );

describe('a v2c GET answered without net-snmp', () => {
  it('answers every value type, in order, with the request id, as a decoder reads them back', () => {
    const asked = [...Object.keys(OBJECTS), '1.3.6.1.2.1.99.0'];
    const answer = answerer.answer(undefined, get(asked));
    const decoded = decodeGetResponse(answer as Buffer);
    if ('malformed' in decoded) throw new Error(decoded.malformed);
    expect(decoded.requestId).toBe(0x1234567);
    // The decoder hands octet strings over as bytes: the text's UTF-8.
    const expected = Object.values(OBJECTS).map((v) =>
      typeof v !== 'string' && v.type === 'OctetString' ? { ...v, value: Buffer.from(v.value) } : v,
    );
    expect(decoded.values).toEqual([...expected, 'noSuchObject']);
    // The OIDs come back as they were asked.
    const oids = asked.map((_, i) => {
      const [start, length] = [decoded.oidSpans[2 * i]!, decoded.oidSpans[2 * i + 1]!];
      return decoded.datagram.subarray(start, start + length).toString('hex');
    });
    const askedBytes = get(asked);
    for (const hex of oids) expect(askedBytes.toString('hex')).toContain(hex);
  });

  it('writes long lengths when the answer passes 127 and 255 octets', () => {
    const many = Array.from({ length: 40 }, () => '1.3.6.1.2.1.1.5.0');
    const decoded = decodeGetResponse(answerer.answer(undefined, get(many)) as Buffer);
    if ('malformed' in decoded) throw new Error(decoded.malformed);
    expect(decoded.values).toHaveLength(40);
    expect(decoded.datagram.length).toBeGreaterThan(255);
  });

  it('leaves to net-snmp what it does not answer itself', () => {
    const sysName = ['1.3.6.1.2.1.1.5.0'];
    expect(answerer.answer(undefined, get(sysName, 'wrong'))).toBeUndefined();
    expect(answerer.answer(undefined, get(sysName, 'public', 0))).toBeUndefined();
    expect(answerer.answer(undefined, get(sysName, 'public', 1, TAG.getNextRequest))).toBeUndefined();
    expect(answerer.answer(undefined, get(sysName, 'public', 1, TAG.setRequest))).toBeUndefined();
    const whole = get(sysName);
    expect(answerer.answer(undefined, whole.subarray(0, whole.length - 3))).toBeUndefined();
    expect(answerer.answer(undefined, Buffer.concat([whole, Buffer.from([0])]))).toBeUndefined();
    expect(answerer.answer(undefined, Buffer.alloc(0))).toBeUndefined();
  });

  it('leaves a value it cannot write, or a view that throws, to net-snmp', () => {
    const odd = createV2cGetAnswerer(['public'], () => ({ type: 'Integer', value: 1.5 }));
    expect(odd.answer(undefined, get(['1.3.6.1.2.1.1.7.0']))).toBeUndefined();
    const throwing = createV2cGetAnswerer(['public'], () => {
      throw new Error('view bug');
    });
    expect(throwing.answer(undefined, get(['1.3.6.1.2.1.1.7.0']))).toBeUndefined();
  });

  it('never throws on any bytes', () => {
    const valid = get(['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0']);
    for (let i = 0; i < valid.length; i++)
      for (const byte of [0x00, 0x7f, 0x80, 0x84, 0xff]) {
        const broken = Buffer.from(valid);
        broken[i] = byte;
        expect(() => answerer.answer(undefined, broken)).not.toThrow();
      }
  });
});
