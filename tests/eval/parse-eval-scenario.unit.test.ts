import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvalScenario } from '../../src/eval/index.js';
import { formatYamlFileError } from '../../src/shared/yaml/yaml-file-error.js';

const FILE = 'scenarios/eval/example.yaml';

function errorsOf(text: string): string[] {
  const result = parseEvalScenario(text, FILE);
  return 'errors' in result ? result.errors.map(formatYamlFileError) : [];
}

function scenarioOf(text: string) {
  const result = parseEvalScenario(text, FILE);
  if ('errors' in result) throw new Error(result.errors.map(formatYamlFileError).join('\n'));
  return result.scenario;
}

const FLEET = 'fleet: { devices: 24, fanout: 5, seed: 7 }\n';

describe('eval scenario files', () => {
  it('reads the fleet, the timeline in time order and the checkpoints, selectors resolved to ids', () => {
    const scenario = scenarioOf(
      `description: a test\nquick: true\ninterval: 2s\n${FLEET}` +
        [
          'timeline:',
          '  - { at: 6s, reboot: cpe-000002 }',
          '  - { at: 0s, fault: line_errors, device: cpe-000002, perHour: 7200, for: 30s }',
          '  - { at: 1m, maintenance: bs-0001, for: 10m }',
          '  - { at: 2s, wrap: cpe-000003, in: 8s }',
          '  - { at: 9s, accept: remote_reboot, subscriber: sub-000003 }',
          'checkpoints:',
          '  - at: 12s',
          '    findings: [{ under: bs-0002, kind: unreachable }, { device: cpe-000002, kind: stale_uptime, absent: true }]',
          '    suggestions: [{ under: bs-0002, top: outage_notice }, { subscriber: sub-000002, top: none }]',
          '    incidents: [{ root: bs-0002 }]',
        ].join('\n'),
    );
    expect(scenario).toMatchObject({
      name: 'example',
      quick: true,
      fleet: { devices: 24, fanout: 5, seed: 7 },
    });
    expect(scenario.timeline.map((s) => [s.action, s.atSeconds])).toEqual([
      ['fault', 0],
      ['wrap', 2],
      ['reboot', 6],
      ['accept', 9],
      ['maintenance', 60],
    ]);
    expect(scenario.timeline[3]).toMatchObject({
      suggestion: 'remote_reboot',
      subscriberId: 'sub-000003',
      deviceIds: ['cpe-000003'],
    });
    expect(scenario.timeline[0]).toMatchObject({
      kind: 'line_errors',
      params: { perHour: 7200, persistent: false },
      forSeconds: 30,
      deviceIds: ['cpe-000002'],
    });
    const [checkpoint] = scenario.checkpoints;
    // bs-0002 is the third parent: CPEs 11 to 15 and their subscribers.
    expect(checkpoint?.findings.filter((f) => f.kind === 'unreachable').map((f) => f.deviceId)).toEqual([
      'cpe-000011',
      'cpe-000012',
      'cpe-000013',
      'cpe-000014',
      'cpe-000015',
    ]);
    expect(checkpoint?.findings.at(-1)).toMatchObject({ deviceId: 'cpe-000002', expect: 'absent' });
    expect(checkpoint?.suggestions.map((s) => s.subscriberId)).toHaveLength(6);
    expect(checkpoint?.incidents).toEqual([{ line: 15, rootDeviceId: 'bs-0002', kind: 'outage' }]);
  });

  it('reports every problem at once with its file:line and a hint for a misspelt word', () => {
    const errors = errorsOf(
      [
        'description: broken',
        FLEET.trim(),
        'timelime: []',
        'timeline:',
        '  - { at: 5, fault: stale_uptme, device: cpe-000002 }',
        '  - { at: 1s, fault: stale_uptime, device: cpe-999999, days: 41 }',
        '  - { at: 1s, fault: low_signal, device: cpe-000002, days: 41 }',
        '  - { at: 1s, reboot: cpe-000002, fault: down }',
        'checkpoints:',
        '  - at: 10s',
        '    findings: [{ device: cpe-000002, kind: stale_uptim }, { device: cpe-000002, kind: wan_down, absent: true, optional: true }]',
        '    suggestions: [{ subscriber: sub-000002, top: reboot }, { subscriber: sub-0002, top: none }]',
        '    incidents: [{ root: bs-0009, kind: outage }]',
      ].join('\n'),
    );
    expect(errors).toEqual([
      `${FILE}:3 timelime: unknown key "timelime" (did you mean "timeline"?)`,
      `${FILE}:5 timeline[0].at: expected a duration with a unit, like 500ms, 60s, 5m, 1h or 30d`,
      `${FILE}:5 timeline[0].fault: unknown fault kind "stale_uptme" (did you mean "stale_uptime"?); expected one of down, stale_uptime, line_errors, wan_down, reboot_loop, low_signal, high_cpu, packet_loss, slow, high_memory, high_temperature, cell_down, cell_degraded, lan_down`,
      `${FILE}:6 timeline[1].device: no device "cpe-999999" in this fleet`,
      `${FILE}:7 timeline[2].days: "days" does not belong to a fault step`,
      `${FILE}:8 timeline[3]: a step does exactly one of fault, clear, reboot, noc_reboot, accept, maintenance, wrap (found 2)`,
      `${FILE}:11 checkpoints[0].findings[0].kind: unknown finding kind "stale_uptim" (did you mean "stale_uptime"?); expected one of unreachable, stale_uptime, unexpected_reboot, reboot_loop, interface_down, wan_down, error_rate, low_signal, resource_exhaustion, cell_down, cell_degraded, base_station_down, flapping`,
      `${FILE}:11 checkpoints[0].findings[1]: "absent" and "optional" exclude each other`,
      `${FILE}:12 checkpoints[0].suggestions[0].top: unknown suggestion kind "reboot"; expected one of remote_reboot, technician_visit, consultation, outage_notice, none, any`,
      `${FILE}:12 checkpoints[0].suggestions[1].subscriber: no subscriber "sub-0002" in this fleet (did you mean "sub-000002"?)`,
      `${FILE}:13 checkpoints[0].incidents[0].device: no device "bs-0009" in this fleet (did you mean "bs-0001"?)`,
    ]);
  });

  it('refuses a fleet out of bounds and a scenario without checkpoints', () => {
    expect(errorsOf('description: x\nfleet: { devices: 1, fanout: 0 }\ncheckpoints: []\n')).toEqual([
      `${FILE}:2 fleet.devices: 1 is out of range 2..2000`,
      `${FILE}:2 fleet.fanout: 0 is out of range 1..500`,
    ]);
    expect(errorsOf(`description: x\n${FLEET}checkpoints: []\n`)).toEqual([
      `${FILE}:3 checkpoints: a scenario needs a checkpoint`,
    ]);
    expect(errorsOf('description: [unclosed\n')).toHaveLength(1);
  });

  it('parses every shipped scenario, and together they expect every finding and suggestion kind', () => {
    const dir = 'scenarios/eval';
    const scenarios = readdirSync(dir).map((name) => scenarioOf(readFileSync(join(dir, name), 'utf8')));
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    const expected = scenarios.flatMap((s) => s.checkpoints);
    const findingKinds = new Set(
      expected.flatMap((c) => c.findings.filter((f) => f.expect === 'present').map((f) => f.kind)),
    );
    const topKinds = new Set(expected.flatMap((c) => c.suggestions.map((s) => s.top)));
    expect([...findingKinds].sort()).toEqual(
      [
        'base_station_down',
        'cell_degraded',
        'cell_down',
        'error_rate',
        'flapping',
        'interface_down',
        'low_signal',
        'reboot_loop',
        'resource_exhaustion',
        'stale_uptime',
        'unexpected_reboot',
        'unreachable',
        'wan_down',
      ].sort(),
    );
    for (const kind of ['remote_reboot', 'technician_visit', 'consultation', 'outage_notice'])
      expect(topKinds).toContain(kind);
    expect(scenarios.filter((s) => s.quick).length).toBeGreaterThanOrEqual(2);
  });
});
