import { describe, expect, it } from 'vitest';
import { detectErrorRate } from '../../src/detection/detect-error-rate.js';
import type { Rates } from '../../src/probes/poll-result.js';
import {
  type Row,
  HEALTHY_INTERFACES,
  context,
  failedPoll,
  iface,
  isUnknown,
  presentOf,
  sample,
} from './factories.js';

const perHour = (n: number): number => n / 3600;

function judge(rates: Rates, interfaces: Record<string, Row> = HEALTHY_INTERFACES) {
  return detectErrorRate(context({ sample: sample({ interfaces }), rates }));
}

describe('detectErrorRate (threshold 100/h, major at 1,000/h)', () => {
  it.each<{ name: string; rates: Rates; expected: unknown[] }>([
    { name: 'no errors', rates: { 'interfaces.1.ifInErrors': 0 }, expected: [] },
    { name: 'at the threshold', rates: { 'interfaces.1.ifInErrors': perHour(100) }, expected: [] },
    {
      name: 'above it on the PON',
      rates: { 'interfaces.1.ifInErrors': perHour(240) },
      expected: [['error_rate', '1', 'minor', '240 input errors in the last hour on pon0']],
    },
    {
      name: 'ten times it',
      rates: { 'interfaces.1.ifInErrors': perHour(1240) },
      expected: [['error_rate', '1', 'major', '1,240 input errors in the last hour on pon0']],
    },
    {
      name: 'on an up LAN port, after the PON',
      rates: { 'interfaces.2.ifInErrors': perHour(500), 'interfaces.1.ifInErrors': perHour(150) },
      expected: [
        ['error_rate', '1', 'minor', '150 input errors in the last hour on pon0'],
        ['error_rate', '2', 'minor', '500 input errors in the last hour on lan1'],
      ],
    },
    {
      name: 'on a down LAN port (stale counter)',
      rates: { 'interfaces.3.ifInErrors': perHour(900) },
      expected: [],
    },
  ])('$name', ({ rates, expected }) => {
    expect(presentOf(judge(rates))).toEqual(expected);
  });

  it('judges a down upstream interface too', () => {
    const j = judge({ 'interfaces.1.ifInErrors': perHour(300) }, { '1': iface('pon0', 'down') });
    expect(presentOf(j)).toEqual([['error_rate', '1', 'minor', '300 input errors in the last hour on pon0']]);
  });

  it('carries the rate per hour in values', () => {
    expect(judge({ 'interfaces.1.ifInErrors': perHour(1240) }).present[0]?.evidence.values).toEqual({
      errorsPerHour: 1240,
      thresholdPerHour: 100,
      ifIndex: '1',
      interface: 'pon0',
    });
  });

  it('knows nothing of an interface whose rate is null (counter reset) or missing (first sample)', () => {
    const j = judge({ 'interfaces.1.ifInErrors': null, 'interfaces.2.ifInErrors': 0 });
    expect(isUnknown(j, 'error_rate', '1')).toBe(true);
    expect(isUnknown(j, 'error_rate', '2')).toBe(false);
    expect(isUnknown(judge({}), 'error_rate', '2')).toBe(true);
  });

  it('knows nothing when the device does not answer', () => {
    const j = detectErrorRate(context({ poll: failedPoll(), rates: { 'interfaces.1.ifInErrors': 5 } }));
    expect(j.present).toEqual([]);
    expect(isUnknown(j, 'error_rate', '1')).toBe(true);
  });
});
