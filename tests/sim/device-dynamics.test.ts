import { describe, expect, it } from 'vitest';
import {
  applyReboot,
  counter32,
  isAgentUp,
  isReachable,
  lineErrorsSinceBoot,
  settleFaultRemoval,
  uptimeMs,
  uptimeTicks,
} from '../../src/sim/device-dynamics.js';
import type { SimDevice } from '../../src/sim/sim-device.js';
import { simDevice } from '../helpers/sim-device.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const SILENCE = 10_000;

function device(overrides: Partial<SimDevice> = {}): SimDevice {
  // seed % 3 === 0: no baseline line errors, so counts below are exact.
  return simDevice({ seed: 3, bootAtMs: NOW - 2 * DAY, ...overrides });
}

describe('simulated device dynamics', () => {
  it('counts uptime from boot and adds the stale_uptime fault days', () => {
    const d = device({ faults: [{ kind: 'stale_uptime', params: { days: 41 }, sinceMs: NOW }] });
    expect(uptimeMs(d, NOW, SILENCE)).toBe(43 * DAY);
  });

  it('wraps sysUpTime like 32-bit TimeTicks after about 497 days', () => {
    const d = device({ faults: [{ kind: 'stale_uptime', params: { days: 498 }, sinceMs: NOW }] });
    const ticks = uptimeTicks(d, NOW, SILENCE);
    expect(ticks).toBeLessThan(2 ** 32);
    expect(ticks).toBe(Math.floor((500 * DAY) / 10) - 2 ** 32);
  });

  it('wraps Counter32 at 2^32', () => {
    expect(counter32(1_000_000, 5_000_000)).toBe(5_000_000_000 - 2 ** 32);
  });

  it('goes silent on reboot, comes back with a fresh uptime and loses the faults a reboot cures', () => {
    const d = device({
      faults: [
        { kind: 'stale_uptime', params: { days: 41 }, sinceMs: NOW - DAY },
        { kind: 'line_errors', params: { perHour: 100, persistent: false }, sinceMs: NOW - DAY },
        { kind: 'low_signal', params: { dbm: -29 }, sinceMs: NOW - DAY },
        { kind: 'high_cpu', params: { percent: 97, persistent: true }, sinceMs: NOW - DAY },
      ],
    });
    applyReboot(d, NOW, SILENCE);
    expect(isAgentUp(d, NOW + SILENCE - 1, SILENCE)).toBe(false);
    expect(isAgentUp(d, NOW + SILENCE, SILENCE)).toBe(true);
    expect(uptimeMs(d, NOW + SILENCE + 5_000, SILENCE)).toBe(5_000);
    expect(d.faults.map((f) => f.kind).sort()).toEqual(['high_cpu', 'low_signal']);
    expect(d.rebootCount).toBe(1);
  });

  it('keeps line errors on the counter after the fault is removed: counters never go back', () => {
    const d = device({
      faults: [
        { kind: 'line_errors', params: { perHour: 1200, persistent: false }, sinceMs: NOW - 3_600_000 },
      ],
    });
    expect(lineErrorsSinceBoot(d, NOW, SILENCE)).toBe(1200);
    settleFaultRemoval(d, 'line_errors', NOW, SILENCE);
    d.faults = [];
    expect(lineErrorsSinceBoot(d, NOW + 3_600_000, SILENCE)).toBe(1200);
  });

  it('reboots a looping device every period, silent at the start of each cycle', () => {
    const since = NOW;
    const d = device({ faults: [{ kind: 'reboot_loop', params: { periodSeconds: 60 }, sinceMs: since }] });
    expect(isAgentUp(d, since + 5_000, SILENCE)).toBe(false);
    expect(isAgentUp(d, since + 15_000, SILENCE)).toBe(true);
    expect(uptimeMs(d, since + 15_000, SILENCE)).toBe(5_000);
    expect(isAgentUp(d, since + 65_000, SILENCE)).toBe(false);
    expect(uptimeMs(d, since + 75_000, SILENCE)).toBe(5_000);
  });

  it('is unreachable while an ancestor is down, though its own agent is up', () => {
    const parent = device({
      index: 0,
      id: 'bs-0001',
      kind: 'base_station',
      model: 'base-station',
      faults: [{ kind: 'down', params: {}, sinceMs: NOW }],
    });
    const child = device({ index: 1, parentIndex: 0 });
    const lookup = (i: number): SimDevice | undefined => [parent, child][i];
    expect(isAgentUp(child, NOW, SILENCE)).toBe(true);
    expect(isReachable(child, lookup, NOW, SILENCE)).toBe(false);
    parent.faults = [];
    expect(isReachable(child, lookup, NOW, SILENCE)).toBe(true);
  });
});
