import { describe, expect, it } from 'vitest';
import { decodeMetric, MAX_TEXT_OCTETS } from '../../src/polling/decode-sample.js';
import type { MetricSpec } from '../../src/probes/probe-types.js';

const text: MetricSpec = { name: 'sysDescr', oid: '1.3.6.1.2.1.1.1.0', kind: 'string', optional: false };

describe('decodeMetric: text from a device', () => {
  it('keeps a DisplayString of up to 255 octets whole', () => {
    const value = Buffer.from('Linux gw 6.1.0 #1 SMP x86_64'.padEnd(255, '.'));
    expect(decodeMetric(text, { type: 'OctetString', value })).toBe(value.toString());
  });

  it('cuts a longer one at 255 octets (RFC 2579), marked, whatever its size', () => {
    const decoded = decodeMetric(text, { type: 'OctetString', value: Buffer.alloc(60_000, 0x41) });
    expect(decoded).toBe(`${'A'.repeat(MAX_TEXT_OCTETS)}…`);
  });

  it('shows binary as hex, cut the same way', () => {
    const decoded = decodeMetric(text, { type: 'OctetString', value: Buffer.alloc(1_000, 0x01) });
    expect(decoded).toBe(`${'01'.repeat(MAX_TEXT_OCTETS)}…`);
  });
});
