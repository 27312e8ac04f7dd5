import { describe, expect, it } from 'vitest';
import { detectLowSignal, signalMedium } from '../../src/detection/detect-low-signal.js';
import { findingId, type Finding } from '../../src/detection/finding.js';
import {
  DEVICE_ID,
  T0,
  context,
  failedPoll,
  isUnknown,
  presentOf,
  probe,
  sample,
  state,
} from './factories.js';

const OPEN: Finding = {
  id: findingId(DEVICE_ID, 'low_signal'),
  deviceId: DEVICE_ID,
  kind: 'low_signal',
  severity: 'major',
  since: T0,
  updatedAt: T0,
  evidence: { summary: 'optical signal −29.4 dBm (floor −27 dBm)', values: { signalDbm: -29.4 } },
};

function judge(signal: number, open: boolean) {
  const findings = open ? { [OPEN.id]: OPEN } : {};
  return detectLowSignal(context({ sample: sample({ scalars: { signal } }), state: state({ findings }) }));
}

describe('detectLowSignal (floor −27 dBm, clear margin 1 dB)', () => {
  it.each([
    { signal: -20, open: false, present: false },
    { signal: -27, open: false, present: false },
    { signal: -27.05, open: false, present: true },
    { signal: -29.4, open: false, present: true },
    // Once open, it takes floor + margin to let go: −26.5 is above the floor but inside the margin.
    { signal: -26.5, open: true, present: true },
    { signal: -26, open: true, present: false },
    { signal: -25, open: true, present: false },
  ])('signal $signal dBm, finding open: $open → present: $present', ({ signal, open, present }) => {
    expect(judge(signal, open).present.length > 0).toBe(present);
  });

  it('says which signal, with the floor, in dBm with a true minus sign', () => {
    expect(presentOf(judge(-29.44, false))).toEqual([
      ['low_signal', undefined, 'major', 'optical signal −29.4 dBm (floor −27 dBm)'],
    ]);
    expect(judge(-29.44, false).present[0]?.evidence.values).toEqual({
      signalDbm: -29.44,
      floorDbm: -27,
      clearAboveDbm: -26,
    });
  });

  it.each([
    { name: 'cpe-gpon', description: 'GPON home router', medium: 'optical signal' },
    { name: 'cpe-lte', description: 'LTE router', medium: 'radio signal' },
    { name: 'cpe-dsl', description: 'VDSL2 modem', medium: 'signal' },
    { name: 'olt', description: 'XGS-PON OLT', medium: 'optical signal' },
    { name: 'cpe-5g', description: 'NR router (5G)', medium: 'radio signal' },
    { name: 'weapon', description: 'a device that will respond', medium: 'signal' },
  ])('calls the signal of $name "$medium"', ({ name, description, medium }) => {
    expect(signalMedium(probe({ name, description }))).toBe(medium);
  });

  it('does not judge signal for a probe without a floor', () => {
    const ctx = context({ sample: sample({ scalars: { signal: -40 } }) });
    const j = detectLowSignal({ ...ctx, probe: probe({ thresholds: { signalFloorDbm: undefined } }) });
    expect(j.present).toEqual([]);
    expect(j.unknown).toBe('none');
  });

  it('knows nothing when the signal did not come back or the device did not answer', () => {
    expect(
      isUnknown(detectLowSignal(context({ sample: sample({ scalars: { signal: null } }) })), 'low_signal'),
    ).toBe(true);
    expect(isUnknown(detectLowSignal(context({ poll: failedPoll() })), 'low_signal')).toBe(true);
  });
});
