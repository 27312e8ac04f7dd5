import { describe, expect, it } from 'vitest';
import { detectResourceExhaustion } from '../../src/detection/detect-resource-exhaustion.js';
import type { SampleValue } from '../../src/probes/poll-result.js';
import { context, failedPoll, isUnknown, presentOf, sample } from './factories.js';

function judge(scalars: Record<string, SampleValue>) {
  return detectResourceExhaustion(context({ sample: sample({ scalars }) }));
}

describe('detectResourceExhaustion (CPU 90%, memory 90%, 70 °C)', () => {
  it.each<{ name: string; scalars: Record<string, SampleValue>; expected: unknown[] }>([
    {
      name: 'all fine',
      scalars: { cpuLoad: 40, memoryUsed: 100, memorySize: 200, temperature: 45 },
      expected: [],
    },
    { name: 'CPU at the ceiling', scalars: { cpuLoad: 90 }, expected: [] },
    {
      name: 'CPU above it',
      scalars: { cpuLoad: 98 },
      expected: [['resource_exhaustion', 'cpu', 'minor', 'CPU at 98% (ceiling 90%)']],
    },
    {
      name: 'memory from used / size',
      scalars: { memoryUsed: 119_000, memorySize: 128_000 },
      expected: [['resource_exhaustion', 'memory', 'minor', 'memory at 93% (ceiling 90%)']],
    },
    {
      name: 'hot',
      scalars: { temperature: 78.25 },
      expected: [['resource_exhaustion', 'temperature', 'minor', 'temperature 78.3 °C (ceiling 70 °C)']],
    },
    {
      name: 'everything at once',
      scalars: { cpuLoad: 99, memoryUsed: 95, memorySize: 100, temperature: 71 },
      expected: [
        ['resource_exhaustion', 'cpu', 'minor', 'CPU at 99% (ceiling 90%)'],
        ['resource_exhaustion', 'memory', 'minor', 'memory at 95% (ceiling 90%)'],
        ['resource_exhaustion', 'temperature', 'minor', 'temperature 71 °C (ceiling 70 °C)'],
      ],
    },
  ])('$name', ({ scalars, expected }) => {
    expect(presentOf(judge(scalars))).toEqual(expected);
  });

  it('carries the reading and the ceiling in values', () => {
    expect(judge({ memoryUsed: 119_000, memorySize: 128_000 }).present[0]?.evidence.values).toEqual({
      resource: 'memory',
      percent: 93,
      ceiling: 90,
    });
  });

  it('knows nothing of a resource the device did not report, and knows the others', () => {
    const j = judge({ cpuLoad: null, memoryUsed: 10, memorySize: 0 });
    expect(isUnknown(j, 'resource_exhaustion', 'cpu')).toBe(true);
    expect(isUnknown(j, 'resource_exhaustion', 'memory')).toBe(true);
    expect(isUnknown(j, 'resource_exhaustion', 'temperature')).toBe(true);
    const k = judge({ cpuLoad: 10, temperature: 40 });
    expect(isUnknown(k, 'resource_exhaustion', 'cpu')).toBe(false);
    expect(isUnknown(k, 'resource_exhaustion', 'temperature')).toBe(false);
  });

  it('knows nothing when the device does not answer', () => {
    expect(
      isUnknown(detectResourceExhaustion(context({ poll: failedPoll() })), 'resource_exhaustion', 'cpu'),
    ).toBe(true);
  });
});
