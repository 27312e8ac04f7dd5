import { describe, expect, it } from 'vitest';
import { MAX_PROBE_BATCH, probeBatchIds } from '../../src/polling/probe-batch-job.js';

describe('a probe-batch job', () => {
  it('gives its device ids, each once', () => {
    expect(probeBatchIds({ deviceIds: ['cpe-1', 'cpe-2', 'cpe-1'] })).toEqual(['cpe-1', 'cpe-2']);
  });

  it('refuses data that is not a list of ids, or a list larger than any batch window gathers', () => {
    for (const data of [null, {}, { deviceIds: 'cpe-1' }, { deviceIds: ['cpe-1', 7] }])
      expect(() => probeBatchIds(data)).toThrow(/without a list of device ids/);
    const many = Array.from({ length: MAX_PROBE_BATCH + 1 }, (_, i) => `cpe-${i}`);
    expect(() => probeBatchIds({ deviceIds: many })).toThrow(/at most 256/);
  });
});
