import type { Node } from 'yaml';
import { DURATION_HINT, formatYamlDuration, parseYamlDuration } from '../shared/yaml/yaml-duration.js';
import { joinPath, type YamlReader } from '../shared/yaml/yaml-reader.js';
import type { DeviceKind, Thresholds } from './probe-types.js';

type Spec =
  | { type: 'count' | 'number'; to: keyof Thresholds; min: number; max: number; default?: number }
  | { type: 'duration'; to: keyof Thresholds; min: number; max: number; default: number };

const HOUR = 3600;
const DAY = 86_400;

/**
 * Every threshold a probe may set, its sane range and its default for a real network. YAML keys
 * equal the compiled names, except durations, written as text ("30d") and compiled to seconds.
 * Ranges refuse values that are surely typos: a CPU ceiling of 900, a stale uptime of 30 seconds.
 */
export const THRESHOLD_SPECS: Readonly<Record<string, Spec>> = {
  unreachableAfterFailures: { type: 'count', to: 'unreachableAfterFailures', min: 1, max: 100, default: 3 },
  reachableAfterSuccesses: { type: 'count', to: 'reachableAfterSuccesses', min: 1, max: 100, default: 1 },
  // Default depends on the device kinds: see staleUptimeDefault().
  staleUptime: { type: 'duration', to: 'staleUptimeSeconds', min: HOUR, max: 3650 * DAY, default: 30 * DAY },
  rebootLoopCount: { type: 'count', to: 'rebootLoopCount', min: 2, max: 100, default: 3 },
  rebootLoopWindow: { type: 'duration', to: 'rebootLoopWindowSeconds', min: 60, max: 7 * DAY, default: HOUR },
  errorRatePerHour: { type: 'number', to: 'errorRatePerHour', min: 1, max: 1e9, default: 100 },
  // No default: only a probe that collects `signal` knows what its floor is (optical vs radio).
  signalFloorDbm: { type: 'number', to: 'signalFloorDbm', min: -150, max: 10 },
  signalClearMarginDb: { type: 'number', to: 'signalClearMarginDb', min: 0, max: 30, default: 2 },
  cpuCeilingPercent: { type: 'number', to: 'cpuCeilingPercent', min: 1, max: 100, default: 90 },
  memoryCeilingPercent: { type: 'number', to: 'memoryCeilingPercent', min: 1, max: 100, default: 90 },
  temperatureCeilingCelsius: {
    type: 'number',
    to: 'temperatureCeilingCelsius',
    min: 20,
    max: 150,
    default: 85,
  },
  openAfterPolls: { type: 'count', to: 'openAfterPolls', min: 1, max: 100, default: 2 },
  clearAfterPolls: { type: 'count', to: 'clearAfterPolls', min: 1, max: 100, default: 2 },
  flapChanges: { type: 'count', to: 'flapChanges', min: 2, max: 1000, default: 4 },
  flapWindow: { type: 'duration', to: 'flapWindowSeconds', min: 60, max: 7 * DAY, default: HOUR },
};

/**
 * A home router up for a month has usually piled up errors worth a reboot (the operator's "30% of
 * contacts" finding); infrastructure is expected to run for months, so it defaults to a year.
 */
export function staleUptimeDefault(deviceKinds: readonly DeviceKind[]): number {
  return deviceKinds.length > 0 && deviceKinds.every((k) => k === 'cpe') ? 30 * DAY : 365 * DAY;
}

/** `thresholds:` (absent = all defaults) into Thresholds; every out-of-range value is an error. */
export function compileThresholds(
  r: YamlReader,
  node: Node | null | undefined,
  path: string,
  deviceKinds: readonly DeviceKind[],
): Thresholds {
  const compiled: Partial<Record<keyof Thresholds, number>> = {};
  for (const spec of Object.values(THRESHOLD_SPECS))
    if (spec.default !== undefined) compiled[spec.to] = spec.default;
  compiled.staleUptimeSeconds = staleUptimeDefault(deviceKinds);
  if (node === undefined) return compiled as Thresholds;

  const fields = r.map(node, path, { allowed: Object.keys(THRESHOLD_SPECS) });
  for (const field of fields?.values() ?? []) {
    const spec = THRESHOLD_SPECS[field.key];
    if (!spec) continue;
    const where = joinPath(path, field.key);
    let value: number | undefined;
    if (spec.type === 'duration') {
      const seconds = parseYamlDuration(r.scalar(field));
      if (seconds === undefined) r.fail(field.value ?? field.keyNode, where, DURATION_HINT);
      else if (seconds < spec.min || seconds > spec.max)
        r.fail(
          field.value,
          where,
          `${formatYamlDuration(seconds)} is out of range ${formatYamlDuration(spec.min)}..${formatYamlDuration(spec.max)}`,
        );
      else value = seconds;
    } else if (spec.type === 'count') value = r.integer(field, where, spec.min, spec.max);
    else value = r.number(field, where, spec.min, spec.max);
    if (value !== undefined) compiled[spec.to] = value;
  }
  return compiled as Thresholds;
}
