import { DURATION_HINT, formatYamlDuration, parseYamlDuration } from '../shared/yaml/yaml-duration.js';
import type { Field, YamlReader } from '../shared/yaml/yaml-reader.js';

/**
 * The shortest `interval` a probe may ask for, by default. Every poll is a few requests to a customer's
 * device, and a fleet polled every second or two would load both the devices and the pollers for
 * nothing a support desk can see; tests lower it (ProbeCompileOptions, VIGIL_PROBE_MIN_INTERVAL_SECONDS)
 * so that flows run on polls a second apart.
 */
export const DEFAULT_MIN_INTERVAL_SECONDS = 5;

export interface ProbeCompileOptions {
  /** The floor of `interval`, in seconds (default DEFAULT_MIN_INTERVAL_SECONDS). */
  minIntervalSeconds?: number;
}

export interface ProbeTiming {
  intervalSeconds: number;
  timeoutMs: number;
  retries: number;
  maxRepetitions: number;
}

type TimingKey = 'interval' | 'timeout' | 'retries' | 'maxRepetitions';

/**
 * `interval`, `timeout`, `retries` and `maxRepetitions`, with their ranges, and the rule that a device
 * which never answers must be given up on before its next poll is due.
 */
export function compileProbeTiming(
  r: YamlReader,
  field: (key: TimingKey) => Field | undefined,
  options: ProbeCompileOptions = {},
): ProbeTiming | undefined {
  const floor = options.minIntervalSeconds ?? DEFAULT_MIN_INTERVAL_SECONDS;
  const intervalSeconds = duration(r, field('interval'), 'interval', 60, floor, 86_400);
  const timeoutSeconds = duration(r, field('timeout'), 'timeout', 2, 0.1, 60);
  const retriesField = field('retries');
  const retries = retriesField ? r.integer(retriesField, 'retries', 0, 10) : 1;
  const repetitionsField = field('maxRepetitions');
  // GETBULK max-repetitions (RFC 3416 4.2.3): past ~50 a response of wide rows outgrows one UDP datagram.
  const maxRepetitions = repetitionsField ? r.integer(repetitionsField, 'maxRepetitions', 1, 100) : 20;
  if (intervalSeconds && timeoutSeconds && retries !== undefined) {
    const worst = timeoutSeconds * (retries + 1);
    if (worst >= intervalSeconds)
      r.fail(
        field('timeout')?.value ?? field('interval')?.value,
        'timeout',
        `timeout × (retries + 1) = ${formatYamlDuration(worst)} must be shorter than the interval ${formatYamlDuration(intervalSeconds)}`,
      );
  }
  if (!intervalSeconds || !timeoutSeconds || retries === undefined || maxRepetitions === undefined)
    return undefined;
  return { intervalSeconds, timeoutMs: Math.round(timeoutSeconds * 1000), retries, maxRepetitions };
}

function duration(
  r: YamlReader,
  field: Field | undefined,
  path: string,
  fallbackSeconds: number,
  min: number,
  max: number,
): number | undefined {
  if (!field) return fallbackSeconds;
  const seconds = parseYamlDuration(r.scalar(field));
  if (seconds === undefined) return r.fail(field.value ?? field.keyNode, path, DURATION_HINT);
  if (seconds < min || seconds > max)
    return r.fail(
      field.value,
      path,
      `${formatYamlDuration(seconds)} is out of range ${formatYamlDuration(min)}..${formatYamlDuration(max)}`,
    );
  return seconds;
}
