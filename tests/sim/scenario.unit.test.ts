import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../src/sim/fleet-generator.js';
import { loadScenario, playScenario, parseDuration } from '../../src/sim/scenario.js';
import { isAppError } from '../../src/shared/app-error.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const fleet = generateFleet({
  devices: 30,
  fanout: 9,
  seed: 1,
  firstOctet: 16,
  port: 1161,
  authProfile: 'sim',
  staleShare: 0,
  nowMs: 0,
});

describe('simulator scenarios', () => {
  it('parses durations in ms, s, m and h', () => {
    expect([
      parseDuration('500ms'),
      parseDuration('30s'),
      parseDuration('2m'),
      parseDuration('1h'),
      parseDuration(5),
    ]).toEqual([500, 30_000, 120_000, 3_600_000, 5_000]);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('resolves devices and selections of a good scenario', () => {
    const steps = loadScenario(fixture('good-scenario.yaml'), fleet.devices);
    expect(steps.map((s) => [s.kind, s.deviceIds.length, s.atMs, s.forMs])).toEqual([
      ['stale_uptime', 1, 0, undefined],
      ['line_errors', 1, 0, undefined],
      ['low_signal', 2, 0, undefined],
      ['down', 1, 30_000, 60_000],
    ]);
    expect(
      steps[2]!.deviceIds.every((id) => fleet.devices.find((d) => d.id === id)?.model === 'cpe-gpon'),
    ).toBe(true);
  });

  it('reports every problem of a bad scenario with its file and line', () => {
    let thrown: unknown;
    try {
      loadScenario(fixture('bad-scenario.yaml'), fleet.devices);
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.code).toBe('ERR_SIM_SCENARIO_INVALID');
    const details = (thrown as { details: string[] }).details.map((d) =>
      d.replace(/^.*bad-scenario\.yaml/, 'bad-scenario.yaml'),
    );
    expect(details).toEqual([
      'bad-scenario.yaml:13: unknown key "extra"',
      'bad-scenario.yaml:2 faults[0]: no device "cpe-999999" in the simulated fleet',
      'bad-scenario.yaml:4 faults[1]: unknown fault kind "stale_uptme"',
      'bad-scenario.yaml:6 faults[2]: unknown key "burst" for fault packet_loss',
      'bad-scenario.yaml:6 faults[2]: percent must be between 0 and 100',
      'bad-scenario.yaml:10 faults[3]: "at" must be a duration like 30s, 2m, 500ms',
      'bad-scenario.yaml:10 faults[3]: unknown select key "colour"',
    ]);
  });

  it('plays immediate steps at once and leaves later ones to their timers', () => {
    const applied: string[] = [];
    const steps = loadScenario(fixture('good-scenario.yaml'), fleet.devices);
    const play = playScenario(
      steps,
      {
        addFault: (id, kind) => applied.push(`${kind}@${id}`),
        removeFaults: () => 0,
      },
      () => undefined,
    );
    play.stop();
    expect(applied).toHaveLength(4);
    expect(applied).not.toContain('down@bs-0001');
  });
});
