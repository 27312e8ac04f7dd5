import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSnmprec, readSnmprecFile, SNMPREC_LIMITS } from '../../src/recordings/read-snmprec.js';
import { formatSnmprecProblem, type SnmprecRecord } from '../../src/recordings/snmprec-record.js';
import { decodeSnmprecValue, encodeSnmprecValue } from '../../src/recordings/snmprec-value.js';
import { formatSnmprec } from '../../src/recordings/write-snmprec.js';
import type { SnmpValue } from '../../src/snmp/snmp-value.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const EVERY_TYPE: SnmprecRecord[] = [
  { oid: '1.3.6.1.2.1.1.1.0', value: { type: 'OctetString', value: Buffer.from('Linux router 5.15') } },
  { oid: '1.3.6.1.2.1.1.2.0', value: { type: 'ObjectIdentifier', value: '1.3.6.1.4.1.8072.3.2.10' } },
  { oid: '1.3.6.1.2.1.1.3.0', value: { type: 'TimeTicks', value: 4_294_967_295 } },
  { oid: '1.3.6.1.2.1.2.2.1.6.2', value: { type: 'OctetString', value: Buffer.from('0012796af940', 'hex') } },
  { oid: '1.3.6.1.2.1.2.2.1.8.2', value: { type: 'Integer', value: -2_147_483_648 } },
  { oid: '1.3.6.1.2.1.2.2.1.10.2', value: { type: 'Counter32', value: 123 } },
  { oid: '1.3.6.1.2.1.2.2.1.5.2', value: { type: 'Gauge32', value: 1_000_000_000 } },
  { oid: '1.3.6.1.2.1.4.20.1.1.10.0.0.1', value: { type: 'IpAddress', value: '10.0.0.1' } },
  { oid: '1.3.6.1.2.1.31.1.1.1.6.2', value: { type: 'Counter64', value: 18_446_744_073_709_551_615n } },
  {
    oid: '1.3.6.1.4.1.2021.10.1.6.1',
    value: { type: 'Opaque', value: Buffer.from('9f780441200000', 'hex') },
  },
  { oid: '1.3.6.1.4.1.99.1.0', value: { type: 'Null', value: null } },
  { oid: '1.3.6.1.4.1.99.2.0', value: { type: 'OctetString', value: Buffer.from('a|b\nc') } },
  { oid: '1.3.6.1.4.1.99.3.0', value: { type: 'OctetString', value: Buffer.from(' padded ') } },
  { oid: '1.3.6.1.4.1.99.4.0', value: { type: 'OctetString', value: Buffer.alloc(0) } },
];

describe('snmprec values', () => {
  it('writes every type with its snmpsim tag, and reads each back to the same value', () => {
    const { text, left } = formatSnmprec(EVERY_TYPE, ['made by a test']);
    expect(left).toEqual([]);
    expect(text.split('\n')).toEqual(
      expect.arrayContaining([
        '# made by a test',
        '1.3.6.1.2.1.1.1.0|4|Linux router 5.15',
        '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10',
        '1.3.6.1.2.1.2.2.1.6.2|4x|0012796af940',
        '1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1',
        '1.3.6.1.2.1.31.1.1.1.6.2|70|18446744073709551615',
        '1.3.6.1.4.1.2021.10.1.6.1|68x|9f780441200000',
        '1.3.6.1.4.1.99.1.0|5|',
        '1.3.6.1.4.1.99.2.0|4x|617c620a63',
        '1.3.6.1.4.1.99.3.0|4x|2070616464656420',
      ]),
    );
    const read = parseSnmprec(text, 'round-trip.snmprec');
    expect(read.problems).toEqual([]);
    expect(read.comments).toEqual(['made by a test']);
    const byOid = new Map(read.records.map((r) => [r.oid, r.value]));
    for (const record of EVERY_TYPE) expect(byOid.get(record.oid)).toEqual(normalised(record.value));
  });

  it('writes the records in OID order, whatever order they came in', () => {
    const { text } = formatSnmprec([...EVERY_TYPE].reverse());
    const oids = text
      .trim()
      .split('\n')
      .map((line) => line.split('|')[0]);
    expect(oids.slice(0, 3)).toEqual(['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.2.0', '1.3.6.1.2.1.1.3.0']);
    // 2.2.1.5 sorts before 2.2.1.6 numerically, which a text sort would get right here but not for 10.
    expect(oids.indexOf('1.3.6.1.2.1.2.2.1.10.2')).toBeGreaterThan(oids.indexOf('1.3.6.1.2.1.2.2.1.8.2'));
  });

  it('refuses to write a value no reader would take back, and says which', () => {
    const { text, left } = formatSnmprec([
      { oid: '1.3.6.1.2.1.1.7.0', value: { type: 'Integer', value: 3_000_000_000 } },
      { oid: '1.3.6.1.2.1.1.3.0', value: { type: 'TimeTicks', value: 12 } },
    ]);
    expect(left.map((l) => l.oid)).toEqual(['1.3.6.1.2.1.1.7.0']);
    expect(left[0]?.reason).toMatch(/out of range/);
    expect(text).toBe('1.3.6.1.2.1.1.3.0|67|12\n');
  });

  it('range-checks each type on reading', () => {
    const error = (tag: string, text: string) => {
      const value = decodeSnmprecValue(tag, text);
      return 'error' in value ? value.error : undefined;
    };
    expect(error('2', '2147483648')).toMatch(/out of range/);
    expect(error('65', '-1')).toMatch(/out of range/);
    expect(error('66', '4294967296')).toMatch(/out of range/);
    expect(error('70', '18446744073709551616')).toMatch(/out of range/);
    expect(error('64', '10.0.0.256')).toMatch(/not an IPv4 address/);
    expect(error('64x', '0a0000')).toMatch(/4 octets/);
    expect(error('6', '1.3.six')).toMatch(/not a numeric OID/);
    expect(error('4x', 'abc')).toMatch(/pairs of hex digits/);
    expect(error('2x', '00')).toMatch(/only octet values/);
    expect(error('5', 'x')).toMatch(/Null takes no value/);
    expect(error('67', '1e3')).toMatch(/not a whole number/);
    expect(error('4', 'x'.repeat(65_536))).toMatch(/max 65535/);
    expect(decodeSnmprecValue('64x', '0a000001')).toEqual({ type: 'IpAddress', value: '10.0.0.1' });
  });
});

describe('reading an snmprec file', () => {
  it('reports every malformed line with file:line, keeps the first of a duplicate OID, and sorts', async () => {
    const file = await readSnmprecFile(fixture('bad.snmprec'));
    const messages = file.problems.map(formatSnmprecProblem).map((m) => m.replace(/^.*fixtures\//, ''));
    expect(messages).toEqual([
      'bad.snmprec:2: 1.3.6.1.2.1.1.3.0: TimeTicks 4294967296 out of range 0..4294967295',
      'bad.snmprec:4: expected OID|TAG|VALUE, found "not a line at all"',
      'bad.snmprec:5: 1.3.6.1.2.1.1.5.0: hex value must be pairs of hex digits',
      'bad.snmprec:7: warning: duplicate OID 1.3.6.1.2.1.1.1.0 (first at line 3, kept)',
      'bad.snmprec:8: 1.3.6.1.2.1.2.1.0: tag "2:numeric": snmpsim variation modules are not supported',
      'bad.snmprec:10: 1.3.6.1.2.1.1.6.0: tag 129 is an SNMP exception, not a value',
    ]);
    expect(file.records.map((r) => r.oid)).toEqual([
      '1.3.6.1.2.1.1.1.0',
      '1.3.6.1.2.1.1.2.0',
      '1.3.6.1.2.1.1.7.0',
    ]);
    expect(file.records[0]?.value).toEqual({ type: 'OctetString', value: Buffer.from('ok text') });
  });

  it('names a missing file, and refuses more lines than its bound in one error', async () => {
    const missing = await readSnmprecFile(fixture('no-such.snmprec'));
    expect(missing.problems).toEqual([
      expect.objectContaining({ line: 0, message: 'ENOENT', severity: 'error' }),
    ]);
    const huge = parseSnmprec('\n'.repeat(SNMPREC_LIMITS.maxLines + 1), 'huge.snmprec');
    expect(huge.records).toEqual([]);
    expect(huge.problems[0]?.message).toMatch(/more than 500000 lines/);
  });

  it('stops listing problems at its bound: a garbage file gives a bounded report', () => {
    const garbage = parseSnmprec('junk\n'.repeat(10_000), 'garbage.snmprec');
    expect(garbage.problems).toHaveLength(SNMPREC_LIMITS.maxProblems + 1);
    expect(garbage.problems.at(-1)?.message).toMatch(/too many problems/);
  });

  it('reads what others write: a leading dot, CRLF lines, a bar inside a plain value, UTF-8 text', () => {
    const file = parseSnmprec('.1.3.6.1.2.1.1.1.0|4|a|b\r\n1.3.6.1.2.1.1.4.0|4|Кирилл\r\n', 'crlf.snmprec');
    expect(file.problems).toEqual([]);
    expect(file.records.map((r) => [r.oid, String(r.value.value)])).toEqual([
      ['1.3.6.1.2.1.1.1.0', 'a|b'],
      ['1.3.6.1.2.1.1.4.0', 'Кирилл'],
    ]);
  });
});

/** What reading gives back: octets as a Buffer, whatever the writer was handed. */
function normalised(value: SnmpValue): SnmpValue {
  return value.type === 'OctetString' && typeof value.value === 'string'
    ? { type: 'OctetString', value: Buffer.from(value.value) }
    : value;
}

describe('encoding a value', () => {
  it('hex-encodes octets that are not plain printable ASCII', () => {
    expect(encodeSnmprecValue({ type: 'OctetString', value: Buffer.from([0x00, 0x41]) })).toEqual({
      tag: '4x',
      text: '0041',
    });
    expect(encodeSnmprecValue({ type: 'OctetString', value: 'plain' })).toEqual({ tag: '4', text: 'plain' });
  });
});
