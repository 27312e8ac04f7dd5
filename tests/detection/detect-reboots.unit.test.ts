import { describe, expect, it } from 'vitest';
import { detectRebootLoop } from '../../src/detection/detect-reboot-loop.js';
import { detectUnexpectedReboot } from '../../src/detection/detect-unexpected-reboot.js';
import { MINUTE, T0, context, failedPoll, isUnknown, presentOf, state } from './factories.js';

describe('detectRebootLoop (3 reboots in 1 hour)', () => {
  it.each([
    { name: 'none', reboots: [], expected: [] },
    { name: 'two in the hour', reboots: [T0 - 10 * MINUTE, T0 - 5 * MINUTE], expected: [] },
    {
      name: 'three in the hour',
      reboots: [T0 - 50 * MINUTE, T0 - 10 * MINUTE, T0 - 5 * MINUTE],
      expected: [['reboot_loop', undefined, 'major', 'rebooted 3 times in the last hour']],
    },
    {
      name: 'three, one of them 70 minutes ago',
      reboots: [T0 - 70 * MINUTE, T0 - 10 * MINUTE, T0 - 5 * MINUTE],
      expected: [],
    },
    {
      name: 'four in the hour',
      reboots: [40, 30, 20, 10].map((m) => T0 - m * MINUTE),
      expected: [['reboot_loop', undefined, 'major', 'rebooted 4 times in the last hour']],
    },
  ])('$name', ({ reboots, expected }) => {
    const j = detectRebootLoop(context({ state: state({ reboots }) }));
    expect(presentOf(j)).toEqual(expected);
    expect(j.openAfterPolls).toBe(1);
  });

  it('names other windows in words', () => {
    const ctx = context({ state: state({ reboots: [T0 - 3 * MINUTE, T0 - 2 * MINUTE] }) });
    const j = detectRebootLoop({
      ...ctx,
      probe: {
        ...ctx.probe,
        thresholds: { ...ctx.probe.thresholds, rebootLoopCount: 2, rebootLoopWindowSeconds: 600 },
      },
    });
    expect(presentOf(j)).toEqual([
      ['reboot_loop', undefined, 'major', 'rebooted 2 times in the last 10 minutes'],
    ]);
    expect(j.present[0]?.evidence.values).toEqual({ reboots: 2, windowSeconds: 600 });
  });

  it('knows nothing while the device does not answer', () => {
    const j = detectRebootLoop(context({ poll: failedPoll(), state: state({ reboots: [T0 - MINUTE] }) }));
    expect(isUnknown(j, 'reboot_loop')).toBe(true);
  });
});

describe('detectUnexpectedReboot', () => {
  it.each([
    { name: 'no reboot seen', reboots: [], present: false },
    { name: 'rebooted a minute ago', reboots: [T0 - MINUTE], present: true },
    { name: 'rebooted 59 minutes ago', reboots: [T0 - 59 * MINUTE], present: true },
    { name: 'rebooted an hour ago', reboots: [T0 - 60 * MINUTE], present: false },
  ])('$name → present: $present', ({ reboots, present }) => {
    const j = detectUnexpectedReboot(context({ state: state({ reboots }) }));
    expect(j.present.length > 0).toBe(present);
    expect([j.openAfterPolls, j.clearAfterPolls]).toEqual([1, 1]);
  });

  it('says when, in UTC, and is info', () => {
    const j = detectUnexpectedReboot(context({ state: state({ reboots: [T0 - 4 * MINUTE] }) }));
    expect(presentOf(j)).toEqual([
      ['unexpected_reboot', undefined, 'info', 'rebooted unexpectedly at 2026-11-22 11:56 UTC'],
    ]);
  });

  it('knows nothing while the device does not answer', () => {
    const j = detectUnexpectedReboot(
      context({ poll: failedPoll(), state: state({ reboots: [T0 - MINUTE] }) }),
    );
    expect(isUnknown(j, 'unexpected_reboot')).toBe(true);
  });
});
