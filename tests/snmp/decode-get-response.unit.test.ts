import { describe, expect, it } from 'vitest';
import { communityMessage, nul, oid, pdu, str, TAG, unsigned, varbind } from '../../src/fuzz/ber.js';
import { decodeGetResponse, type DecodedResponse } from '../../src/snmp/decode-get-response.js';

const GET_RESPONSE = 0xa2;

function decoded(varbinds: Buffer[]): DecodedResponse {
  const result = decodeGetResponse(communityMessage(1, 'public', pdu(GET_RESPONSE, 7, varbinds)));
  if ('malformed' in result) throw new Error(`malformed: ${result.malformed}`);
  return result;
}

describe('decodeGetResponse', () => {
  it('reads every varbind in order, with where its OID sits in the datagram', () => {
    const result = decoded([
      varbind('1.3.6.1.2.1.1.3.0', unsigned(TAG.timeTicks, 4_200)),
      varbind('1.3.6.1.2.1.1.5.0', str('gw-1')),
      varbind('1.3.6.1.2.1.1.2.0', oid('1.3.6.1.4.1.8072.3.2.10')),
      varbind('1.3.6.1.2.1.1.9.0', nul(0x81)),
    ]);
    expect(result.requestId).toBe(7);
    expect(result.values.map((v) => (typeof v === 'string' ? v : v.type))).toEqual([
      'TimeTicks',
      'OctetString',
      'ObjectIdentifier',
      'noSuchInstance',
    ]);
    expect(result.values[0]).toEqual({ type: 'TimeTicks', value: 4_200 });
    expect(result.oidSpans).toHaveLength(8);
    // The second OID's content octets, read back from the spans, are 1.3.6.1.2.1.1.5.0's.
    const [start, length] = [result.oidSpans[2]!, result.oidSpans[3]!];
    expect([...result.datagram.subarray(start, start + length)]).toEqual([43, 6, 1, 2, 1, 1, 5, 0]);
  });

  it('gives an OID value the same text whether it was seen before or not', () => {
    const sysObjectId = (value: string): Buffer => varbind('1.3.6.1.2.1.1.2.0', oid(value));
    const first = decoded([sysObjectId('1.3.6.1.4.1.9.1.1208'), sysObjectId('1.3.6.1.4.1.9.1.1209')]);
    const again = decoded([sysObjectId('1.3.6.1.4.1.9.1.1209'), sysObjectId('1.3.6.1.4.1.9.1.1208')]);
    expect(first.values).toEqual([
      { type: 'ObjectIdentifier', value: '1.3.6.1.4.1.9.1.1208' },
      { type: 'ObjectIdentifier', value: '1.3.6.1.4.1.9.1.1209' },
    ]);
    expect(again.values).toEqual([first.values[1], first.values[0]]);
  });

  it('finds a varbind whose value runs past its end malformed', () => {
    const broken = Buffer.from(varbind('1.3.6.1.2.1.1.5.0', str('gw-1')));
    broken[1] = (broken[1] as number) - 2; // the varbind claims two octets fewer than its value needs
    const result = decodeGetResponse(communityMessage(1, 'public', pdu(GET_RESPONSE, 8, [broken])));
    // Malformed, and still tied to its request, so that request ends at once instead of timing out.
    expect(result).toHaveProperty('malformed');
    expect(result).toMatchObject({ requestId: 8 });
  });
});
