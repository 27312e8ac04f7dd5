import type { PollSample } from '../probes/poll-result.js';
import type { Thresholds } from '../probes/probe-types.js';
import {
  numberOf,
  type Condition,
  type DetectorContext,
  type Judgement,
  type SubjectRef,
} from './detector.js';
import { formatDecimal } from './format-evidence.js';

const KINDS = ['resource_exhaustion'] as const;

interface ResourceSpec {
  /** The finding's subject. */
  resource: 'cpu' | 'memory' | 'temperature';
  read: (sample: PollSample) => number | undefined;
  ceiling: (t: Thresholds) => number;
  /** Name of the reading in evidence values. */
  unit: 'percent' | 'celsius';
  summary: (value: string, ceiling: string) => string;
}

function memoryPercent(sample: PollSample): number | undefined {
  const used = numberOf(sample.scalars['memoryUsed']);
  const size = numberOf(sample.scalars['memorySize']);
  // memoryUsed and memorySize share a unit (e.g. HOST-RESOURCES-MIB hrStorageUsed/hrStorageSize, RFC 2790).
  return used === undefined || size === undefined || size <= 0 ? undefined : (used / size) * 100;
}

const RESOURCES: readonly ResourceSpec[] = [
  {
    resource: 'cpu',
    read: (s) => numberOf(s.scalars['cpuLoad']),
    ceiling: (t) => t.cpuCeilingPercent,
    unit: 'percent',
    summary: (v, c) => `CPU at ${v}% (ceiling ${c}%)`,
  },
  {
    resource: 'memory',
    read: memoryPercent,
    ceiling: (t) => t.memoryCeilingPercent,
    unit: 'percent',
    summary: (v, c) => `memory at ${v}% (ceiling ${c}%)`,
  },
  {
    resource: 'temperature',
    read: (s) => numberOf(s.scalars['temperature']),
    ceiling: (t) => t.temperatureCeilingCelsius,
    unit: 'celsius',
    summary: (v, c) => `temperature ${v} °C (ceiling ${c} °C)`,
  },
];

function condition(spec: ResourceSpec, reading: number, ceiling: number): Condition {
  const value = Math.round(reading * 10) / 10;
  return {
    kind: 'resource_exhaustion',
    subject: spec.resource,
    severity: 'minor',
    evidence: {
      summary: spec.summary(formatDecimal(value), formatDecimal(ceiling)),
      values: { resource: spec.resource, [spec.unit]: value, ceiling },
    },
    // Five points of load or five degrees is a different situation; one is noise.
    significant: { value: spec.unit, absolute: 5 },
  };
}

/**
 * resource_exhaustion (minor), one finding per resource (subject cpu, memory or temperature): above
 * the probe's ceiling. CPU load is spiky — the generic openAfterPolls is what keeps one busy sample
 * from opening it. A resource the device did not report this poll is unknown.
 */
export function detectResourceExhaustion(ctx: DetectorContext): Judgement {
  const sample = ctx.sample;
  if (!sample) return { kinds: KINDS, present: [], unknown: 'all' };
  const present: Condition[] = [];
  // Three resources at most: a list, not a set, at every poll of every device.
  const missing: string[] = [];
  for (const spec of RESOURCES) {
    const reading = spec.read(sample);
    const ceiling = spec.ceiling(ctx.probe.thresholds);
    if (reading === undefined) missing.push(spec.resource);
    else if (reading > ceiling) present.push(condition(spec, reading, ceiling));
  }
  const unknown = (ref: SubjectRef): boolean => ref.subject !== undefined && missing.includes(ref.subject);
  return { kinds: KINDS, present, unknown };
}
