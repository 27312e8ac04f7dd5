import { describe, expect, it } from 'vitest';
import { detect } from '../../src/detection/detect.js';
import { UPTIME_WRAP_SECONDS } from '../../src/detection/track-uptime.js';
import type { PollResult } from '../../src/probes/poll-result.js';
import {
  DAY,
  DEVICE_ID,
  HEALTHY_INTERFACES,
  HOUR,
  MINUTE,
  Run,
  T0,
  failedPoll,
  healthy,
  iface,
  kindsOf,
  okPoll,
  probe,
  sample,
} from './factories.js';

const BOOT = T0 - 5 * DAY;

describe('detect() over sequences of polls', () => {
  it('never opens unreachable for one lost packet', () => {
    const run = new Run();
    for (let i = 0; i < 20; i++) run.poll(i % 5 === 2 ? () => failedPoll('timeout') : healthy(BOOT));
    expect(run.changes).toEqual([]);
    expect(run.state.reachable).toBe(true);
  });

  it.each([
    { k: 1, s: 1 },
    { k: 3, s: 2 },
    { k: 5, s: 4 },
  ])('opens unreachable after exactly $k failures and clears after $s answers', ({ k, s }) => {
    const run = new Run(probe({ thresholds: { unreachableAfterFailures: k, reachableAfterSuccesses: s } }));
    run.poll(healthy(BOOT));
    for (let i = 1; i < k; i++) expect(run.poll(() => failedPoll('timeout'))).toEqual([]);
    const opened = run.poll(() => failedPoll('timeout'));
    expect(kindsOf(opened)).toEqual(['opened unreachable']);
    expect(opened[0]?.finding).toMatchObject({
      id: `${DEVICE_ID}:unreachable`,
      severity: 'major',
      since: run.now,
      evidence: { values: { failures: k, outcome: 'timeout' } },
    });
    for (let i = 1; i < s; i++) expect(run.poll(healthy(BOOT))).toEqual([]);
    const cleared = run.poll(healthy(BOOT));
    expect(cleared).toEqual([{ type: 'cleared', finding: opened[0]?.finding, at: run.now }]);
    expect(run.state.findings).toEqual({});
  });

  it('says "no answer to 3 polls in a row" and keeps quiet while the count grows', () => {
    const run = new Run();
    run.poll(healthy(BOOT));
    for (let i = 0; i < 10; i++) run.poll(() => failedPoll('timeout'));
    expect(kindsOf(run.changes)).toEqual(['opened unreachable']);
    expect(run.changes[0]?.finding.evidence.summary).toBe('no answer to 3 polls in a row');
  });

  it('tells rejected credentials apart from silence, as an update of the open finding', () => {
    const run = new Run();
    run.poll(healthy(BOOT));
    for (let i = 0; i < 3; i++) run.poll(() => failedPoll('timeout'));
    const changes = run.poll(() => failedPoll('auth_failed'));
    expect(kindsOf(changes)).toEqual(['updated unreachable']);
    expect(changes[0]?.finding.evidence.summary).toBe('SNMP credentials rejected');
  });

  it('reports a silent base station as base_station_down, critical', () => {
    const run = new Run(probe(), 'base_station');
    run.poll(healthy(BOOT));
    for (let i = 0; i < 3; i++) run.poll(() => failedPoll('transport_error'));
    expect(run.changes.map((c) => [c.type, c.finding.kind, c.finding.severity])).toEqual([
      ['opened', 'base_station_down', 'critical'],
    ]);
  });

  it('never opens resource_exhaustion for one busy CPU sample, and opens it for three in a row', () => {
    const busy = (at: number): PollResult =>
      okPoll(sample({ at, uptime: (at - BOOT) / 1000, scalars: { cpuLoad: 98 } }));
    const run = new Run();
    for (let i = 0; i < 12; i++) run.poll(i === 4 || i === 8 ? busy : healthy(BOOT));
    expect(run.changes).toEqual([]);

    for (let i = 0; i < 3; i++) run.poll(busy);
    expect(kindsOf(run.changes)).toEqual(['opened resource_exhaustion:cpu']);
    expect(run.changes[0]?.finding.evidence).toEqual({
      summary: 'CPU at 98% (ceiling 90%)',
      values: { resource: 'cpu', percent: 98, ceiling: 90 },
    });
  });

  it('does not let a lost poll in the middle of a streak reset or advance it', () => {
    const busy = (at: number): PollResult =>
      okPoll(sample({ at, uptime: (at - BOOT) / 1000, scalars: { cpuLoad: 98 } }));
    const run = new Run();
    run.poll(busy);
    run.poll(busy);
    run.poll(() => failedPoll('timeout'));
    expect(run.changes).toEqual([]);
    run.poll(busy);
    expect(kindsOf(run.changes)).toEqual(['opened resource_exhaustion:cpu']);
  });
});

describe('detect() and uptime', () => {
  it('does not take the TimeTicks wrap at 497 days for a reboot', () => {
    const wrapAt = BOOT + UPTIME_WRAP_SECONDS * 1000;
    const start = wrapAt - 10 * MINUTE;
    const run = new Run(probe(), 'cpe', start);
    const wrapping = (at: number): PollResult =>
      okPoll(sample({ at, uptime: ((at - BOOT) / 1000) % UPTIME_WRAP_SECONDS }));
    for (let i = 0; i < 20; i++) run.poll(wrapping);

    expect(kindsOf(run.changes)).toEqual(['opened stale_uptime']);
    expect(run.state.uptimeWraps).toBe(1);
    expect(run.state.reboots).toEqual([]);
    expect(run.state.bootAt).toBeCloseTo(BOOT, -1);
    expect(run.state.uptimeSeconds).toBeGreaterThan(UPTIME_WRAP_SECONDS);
    expect(run.state.findings[`${DEVICE_ID}:stale_uptime`]?.evidence.summary).toBe('up 497 days');
  });

  function rebootAfterSilence(expectedRebootUntil?: number): Run {
    const run = new Run();
    for (let i = 0; i < 3; i++) run.poll(healthy(BOOT));
    if (expectedRebootUntil !== undefined) run.state = { ...run.state, expectedRebootUntil };
    run.poll(() => failedPoll('timeout'));
    const rebootedAt = run.now + 20_000;
    for (let i = 0; i < 3; i++) run.poll(healthy(rebootedAt));
    return run;
  }

  it('reports a reboot nobody asked for as unexpected_reboot, at once and as info', () => {
    const run = rebootAfterSilence();
    expect(run.changes.map((c) => [c.poll, c.type, c.finding.kind, c.finding.severity])).toEqual([
      [5, 'opened', 'unexpected_reboot', 'info'],
    ]);
    expect(run.changes[0]?.finding.evidence.summary).toMatch(
      /^rebooted unexpectedly at 2026-11-22 12:0\d UTC$/,
    );
  });

  it('does not report a reboot that an action announced through expectedRebootUntil', () => {
    const run = rebootAfterSilence(T0 + 10 * MINUTE);
    expect(run.changes).toEqual([]);
    expect(run.state.reboots).toEqual([]);
    expect(run.state.uptimeSeconds).toBeLessThan(5 * 60);
  });

  it('clears unexpected_reboot after an hour of steady uptime', () => {
    const run = rebootAfterSilence();
    for (let i = 0; i < 70; i++) run.poll(healthy(run.state.bootAt ?? 0));
    const cleared = run.changes.find((c) => c.type === 'cleared');
    expect(cleared?.finding.kind).toBe('unexpected_reboot');
    expect(run.state.bootAt).toBeDefined();
    const bootAt = run.state.bootAt ?? 0;
    expect(cleared?.type === 'cleared' ? cleared.at - bootAt : 0).toBeGreaterThanOrEqual(HOUR);
    expect(cleared?.type === 'cleared' ? cleared.at - bootAt : Infinity).toBeLessThan(HOUR + 2 * MINUTE);
  });

  it('clears stale_uptime at the first answer after a reboot', () => {
    const oldBoot = T0 - 41 * DAY;
    const run = new Run();
    for (let i = 0; i < 3; i++) run.poll(healthy(oldBoot));
    expect(run.changes.map((c) => [c.type, c.finding.evidence.summary])).toEqual([['opened', 'up 41 days']]);
    const rebootedAt = run.now + 10_000;
    const changes = run.poll(healthy(rebootedAt));
    expect(kindsOf(changes)).toEqual(['opened unexpected_reboot', 'cleared stale_uptime']);
  });

  it('opens reboot_loop at the third reboot within the hour and clears it when the hour holds fewer', () => {
    const run = new Run();
    run.poll(healthy(BOOT));
    // Reboots are seen at polls 2, 7 and 12.
    for (let reboot = 0; reboot < 3; reboot++) {
      const bootAt = run.now + 30_000;
      for (let i = 0; i < 5; i++) run.poll(healthy(bootAt));
    }
    const loop = run.changes.filter((c) => c.finding.kind === 'reboot_loop');
    expect(loop.map((c) => [c.type, c.poll, c.finding.evidence.summary])).toEqual([
      ['opened', 12, 'rebooted 3 times in the last hour'],
    ]);
    const bootAt = run.state.bootAt ?? 0;
    for (let i = 0; i < 60; i++) run.poll(healthy(bootAt));
    expect(run.changes.filter((c) => c.finding.kind === 'reboot_loop').map((c) => c.type)).toEqual([
      'opened',
      'cleared',
    ]);
    expect(run.state.reboots.length).toBeLessThan(3);
  });
});

describe('detect() and interfaces', () => {
  const ponDown = { ...HEALTHY_INTERFACES, '1': iface('pon0', 'down') };

  it('keeps an unreachable device’s interface findings as they are, then clears them with hysteresis', () => {
    const run = new Run();
    for (let i = 0; i < 3; i++) run.poll(healthy(BOOT, { interfaces: ponDown }));
    expect(kindsOf(run.changes)).toEqual(['opened wan_down:1']);
    expect(run.changes[0]?.finding.evidence.summary).toBe(
      'upstream interface pon0 is down (admin up, oper down)',
    );

    for (let i = 0; i < 6; i++) run.poll(() => failedPoll('timeout'));
    expect(kindsOf(run.changes)).toEqual(['opened wan_down:1', 'opened unreachable']);

    for (let i = 0; i < 2; i++) run.poll(healthy(BOOT));
    expect(run.open()).toEqual([`${DEVICE_ID}:wan_down:1`]);
    run.poll(healthy(BOOT));
    expect(run.open()).toEqual([]);
  });

  it('does not report a LAN port that was never up, and reports one that went down', () => {
    const run = new Run();
    for (let i = 0; i < 5; i++) run.poll(healthy(BOOT));
    expect(run.changes).toEqual([]);
    const lan1Down = { ...HEALTHY_INTERFACES, '2': iface('lan1', 'down') };
    for (let i = 0; i < 3; i++) run.poll(healthy(BOOT, { interfaces: lan1Down }));
    expect(kindsOf(run.changes)).toEqual(['opened interface_down:2']);
  });

  it('calls a LAN port going up and down every poll flapping, not down', () => {
    const run = new Run();
    const lan1Down = { ...HEALTHY_INTERFACES, '2': iface('lan1', 'down') };
    for (let i = 0; i < 8; i++)
      run.poll(healthy(BOOT, { interfaces: i % 2 ? lan1Down : HEALTHY_INTERFACES }));
    expect(kindsOf(run.changes)).toEqual(['opened flapping:interfaces.2']);
    expect(run.changes[0]?.finding.evidence.summary).toMatch(
      /^interface lan1 changed \d times in the last 10 minutes$/,
    );
  });

  it('sends an update when the error rate crosses ten times the threshold, not for every tick', () => {
    const run = new Run();
    const rates = (perHour: number) => ({ 'interfaces.1.ifInErrors': perHour / 3600 });
    for (const perHour of [1240, 1250, 1300, 1280, 1310]) run.poll(healthy(BOOT), rates(perHour));
    expect(kindsOf(run.changes)).toEqual(['opened error_rate:1']);
    expect(run.changes[0]?.finding).toMatchObject({
      severity: 'major',
      evidence: { summary: '1,300 input errors in the last hour on pon0' },
    });
    for (const perHour of [900, 950]) run.poll(healthy(BOOT), rates(perHour));
    expect(kindsOf(run.changes)).toEqual(['opened error_rate:1', 'updated error_rate:1']);
    expect(run.changes[1]?.finding.severity).toBe('minor');
  });
});

describe('detect() and signal', () => {
  it('holds low_signal open while the level hovers just above the floor, and clears it above the margin', () => {
    const run = new Run();
    const at = (signal: number) => healthy(BOOT, { scalars: { signal } });
    for (const dbm of [-26.9, -27.2, -26.8, -27.1, -26.9]) run.poll(at(dbm));
    expect(run.changes).toEqual([]);

    for (const dbm of [-29.4, -29.5, -29.4]) run.poll(at(dbm));
    expect(run.changes.map((c) => [c.type, c.finding.evidence.summary])).toEqual([
      ['opened', 'optical signal −29.4 dBm (floor −27 dBm)'],
    ]);
    for (const dbm of [-26.5, -26.6, -26.4, -26.5]) run.poll(at(dbm));
    expect(kindsOf(run.changes)).toEqual(['opened low_signal', 'updated low_signal']);
    for (const dbm of [-25.8, -25.9, -25.7]) run.poll(at(dbm));
    expect(kindsOf(run.changes)).toEqual(['opened low_signal', 'updated low_signal', 'cleared low_signal']);
  });
});

describe('detect() and reachability flapping', () => {
  it('opens flapping when the debounced reachability keeps changing', () => {
    const run = new Run(
      probe({
        thresholds: { unreachableAfterFailures: 1, reachableAfterSuccesses: 1, flapWindowSeconds: 900 },
      }),
    );
    for (let i = 0; i < 10; i++) run.poll(i % 2 ? () => failedPoll('timeout') : healthy(BOOT));
    const flapping = run.changes.filter((c) => c.finding.kind === 'flapping');
    expect(flapping.map((c) => [c.type, c.finding.subject, c.finding.evidence.summary])).toEqual([
      ['opened', 'reachability', 'reachability changed 6 times in the last 15 minutes'],
      // Two more changes are news (significant step of 2); one would not be.
      ['updated', 'reachability', 'reachability changed 8 times in the last 15 minutes'],
    ]);
  });
});

describe('detect() as a function', () => {
  it('does not modify the state it was given', () => {
    const run = new Run();
    for (let i = 0; i < 3; i++) run.poll(healthy(BOOT, { scalars: { cpuLoad: 99 } }));
    const before = structuredClone(run.state);
    const frozen = deepFreeze(structuredClone(run.state));
    const out = detect({
      probe: run.probe,
      device: { id: DEVICE_ID, kind: 'cpe' },
      state: frozen,
      poll: failedPoll('timeout'),
      rates: {},
      now: run.now + MINUTE,
    });
    expect(frozen).toEqual(before);
    expect(out.state).not.toBe(frozen);
    expect(out.state.consecutiveFailures).toBe(1);
  });

  it('keeps the state small: old reboots and transitions are pruned, settled counters deleted', () => {
    const run = new Run();
    const lan1Down = { ...HEALTHY_INTERFACES, '2': iface('lan1', 'down') };
    let bootAt = BOOT;
    for (let i = 0; i < 300; i++) {
      if (i % 7 === 0) bootAt = run.now + 30_000;
      run.poll(healthy(bootAt, { interfaces: i % 3 ? lan1Down : HEALTHY_INTERFACES }));
    }
    const horizon = run.now - HOUR;
    expect(run.state.reboots.every((t) => t > horizon)).toBe(true);
    expect(run.state.reboots.length).toBeLessThanOrEqual(9);
    for (const times of Object.values(run.state.transitions)) {
      expect(times.every((t) => t > run.now - 10 * MINUTE)).toBe(true);
    }
    expect(Object.values(run.state.pending).every((p) => p.present > 0 || p.absent > 0)).toBe(true);
    expect(JSON.stringify(run.state).length).toBeLessThan(6000);
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
