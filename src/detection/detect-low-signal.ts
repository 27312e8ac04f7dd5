import type { Probe } from '../probes/probe-types.js';
import { numberOf, type Condition, type DetectorContext, type Judgement } from './detector.js';
import { findingId } from './finding.js';
import { formatDecimal } from './format-evidence.js';

const KINDS = ['low_signal'] as const;

/**
 * What the signal is, for the summary. Probes carry no medium, so it is read from the probe's name and
 * description: PON/fibre probes report optical Rx power, LTE/5G ones RSRP. Otherwise just "signal".
 */
export function signalMedium(probe: Probe): string {
  const text = `${probe.name} ${probe.description}`;
  if (/\b(?:g|e|xg|xgs-?)?pon\b|optic|fib(?:er|re)|\bsfp/i.test(text)) return 'optical signal';
  if (/\blte\b|\b[45]g\b|\bnr\b|radio|wireless|rsrp/i.test(text)) return 'radio signal';
  return 'signal';
}

/**
 * low_signal (major): received signal (dBm) below the probe's signalFloorDbm. Hysteresis in the value
 * as well as in time: once open it stays present until the signal is back at
 * floor + signalClearMarginDb, so a level hovering at the floor does not open and clear by turns.
 * A probe without a floor does not judge signal.
 */
export function detectLowSignal(ctx: DetectorContext): Judgement {
  const { signalFloorDbm: floor, signalClearMarginDb: margin } = ctx.probe.thresholds;
  if (floor === undefined) return { kinds: KINDS, present: [], unknown: 'none' };
  const signal = numberOf(ctx.sample?.scalars['signal']);
  if (signal === undefined) return { kinds: KINDS, present: [], unknown: 'all' };

  const id = findingId(ctx.device.id, 'low_signal');
  // Only an open finding holds to the margin: a reading in the band above the floor must not carry a
  // single noisy sample below it to opening.
  const limit = ctx.state.findings[id] !== undefined ? floor + margin : floor;
  const present: Condition[] = [];
  if (signal < limit) {
    present.push({
      kind: 'low_signal',
      severity: 'major',
      evidence: {
        summary: `${signalMedium(ctx.probe)} ${formatDecimal(signal)} dBm (floor ${formatDecimal(floor)} dBm)`,
        values: { signalDbm: signal, floorDbm: floor, clearAboveDbm: floor + margin },
      },
      // A decibel is a quarter less (or more) light: an agent would want to know.
      significant: { value: 'signalDbm', absolute: 1 },
    });
  }
  return { kinds: KINDS, present, unknown: 'none' };
}
