import { describe, expect, it } from 'vitest';
import { compactSample, expandSample, isCompactSample } from '../../src/polling/compact-sample.js';
import type { PollSample } from '../../src/probes/poll-result.js';

const sample: PollSample = {
  at: 1_796_232_496_039,
  scalars: { sysName: 'cpe-000280', sysUpTime: 890_250.27, temperature: null },
  tables: {
    interfaces: {
      '1': { ifDescr: 'pon0', ifOperStatus: 'up', ifInErrors: 12, ifHCInOctets: 492_108_228_568 },
      '3': { ifDescr: 'lan2', ifOperStatus: 'down', ifInErrors: 0, ifHCInOctets: null },
    },
    storage: {},
  },
};

describe('the stored sample with column names once per table', () => {
  it('comes back as the sample it was made from', () => {
    const compact = compactSample(sample);
    expect(isCompactSample(compact)).toBe(true);
    expect(expandSample(compact)).toEqual(sample);
  });

  it('writes each column name once, whatever the number of rows', () => {
    const names = JSON.stringify(compactSample(sample)).match(/ifDescr/g) ?? [];
    expect(names).toHaveLength(1);
  });

  it('tells a sample stored before the compact layout from a compact one', () => {
    expect(isCompactSample(sample)).toBe(false);
  });
});
