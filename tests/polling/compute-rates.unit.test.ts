import { describe, expect, it } from 'vitest';
import { RATES_READ } from '../../src/detection/index.js';
import { computeRates } from '../../src/polling/compute-rates.js';
import type { PollSample } from '../../src/probes/poll-result.js';
import type { MetricSpec, Probe } from '../../src/probes/probe-types.js';

const counter = (name: string, oid: string): MetricSpec => ({
  name,
  oid,
  kind: 'counter32',
  optional: false,
});
const probe = {
  scalars: [counter('inPackets', '1.3.6.1.2.1.4.3.0')],
  tables: [
    {
      name: 'interfaces',
      columns: [counter('ifInOctets', '1.3.6.1.2.1.2.2.1.10'), counter('ifInErrors', '1.3.6.1.2.1.2.2.1.14')],
    },
  ],
} as unknown as Probe;

const sample = (at: number, octets: number, errors: number): PollSample => ({
  at,
  scalars: { sysUpTime: at / 1000, inPackets: octets },
  tables: { interfaces: { '1': { ifInOctets: octets, ifInErrors: errors } } },
});

describe('computeRates', () => {
  const before = sample(1_000_000, 1_000, 10);
  const after = sample(1_060_000, 7_000, 70);

  it('gives the rate of every counter when none is named', () => {
    expect(computeRates(probe, before, after)).toEqual({
      inPackets: 100,
      'interfaces.1.ifInOctets': 100,
      'interfaces.1.ifInErrors': 1,
    });
  });

  it("gives only the named counters' rates, which is what a poll asks for detection", () => {
    expect(computeRates(probe, before, after, new Set(['ifInErrors']))).toEqual({
      'interfaces.1.ifInErrors': 1,
    });
    // Asked for everything again on the same probe: the narrowed layout is not reused.
    expect(Object.keys(computeRates(probe, before, after))).toHaveLength(3);
  });

  it('detection reads the input error rate', () => {
    expect(RATES_READ.has('ifInErrors')).toBe(true);
  });
});
