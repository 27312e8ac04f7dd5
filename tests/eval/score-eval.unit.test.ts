import { describe, expect, it } from 'vitest';
import { indexFleet } from '../../src/eval/eval-fleet.js';
import type { Checkpoint, EvalScenario } from '../../src/eval/eval-scenario.js';
import { judgeCheckpoint } from '../../src/eval/judge-checkpoint.js';
import { judgeRun } from '../../src/eval/judge-run.js';
import type { Observation, PlayedStep } from '../../src/eval/observation.js';
import { formatEval, scoreEval, type ScenarioResult } from '../../src/eval/index.js';

// 24 devices, fanout 5: bs-0001 (cpe 1–5), an-0001 (6–10), bs-0002 (11–15), an-0002 (16–20).
const FLEET = { devices: 24, fanout: 5, seed: 7 };
const fleet = indexFleet(FLEET);
const T0 = 1_700_000_000_000;

const checkpoint = (over: Partial<Checkpoint> = {}): Checkpoint => ({
  line: 10,
  atSeconds: 10,
  findings: [],
  suggestions: [],
  incidents: [],
  ...over,
});

const seen = (over: Partial<Observation> = {}): Observation => ({
  at: T0 + 10_000,
  findings: [],
  incidents: [],
  tops: new Map(),
  ...over,
});

const scenario = (checkpoints: Checkpoint[]): EvalScenario => ({
  name: 's',
  file: 's.yaml',
  description: 's',
  quick: false,
  fleet: FLEET,
  timeline: [],
  checkpoints,
});

const result = (
  checkpoints: ReturnType<typeof judgeCheckpoint>[],
  run = judgeRun(scenario([]), fleet, { incidents: [], suggestions: [] }, [], T0),
): ScenarioResult => ({
  name: 's',
  description: 's',
  checkpoints,
  run,
  seconds: 1,
});

describe('judging a checkpoint', () => {
  const expectsStale = checkpoint({
    findings: [{ line: 11, deviceId: 'cpe-000007', kind: 'stale_uptime', expect: 'present' }],
    suggestions: [{ line: 12, subscriberId: 'sub-000007', top: 'remote_reboot' }],
  });
  const played: PlayedStep[] = [{ line: 5, atMs: T0, deviceIds: ['cpe-000007'] }];

  it('scores a met expectation right, timed from the step that caused it, and the silent rest as right', () => {
    const verdict = judgeCheckpoint(
      expectsStale,
      seen({
        findings: [{ deviceId: 'cpe-000007', kind: 'stale_uptime', since: T0 + 1_500 }],
        tops: new Map([['sub-000007', 'remote_reboot']]),
      }),
      fleet,
      played,
    );
    expect(verdict.violations).toEqual([]);
    expect(verdict.findings).toEqual([
      {
        deviceId: 'cpe-000007',
        kind: 'stale_uptime',
        expected: 'present',
        observed: true,
        detectSeconds: 1.5,
      },
    ]);
    expect(verdict.suggestions).toHaveLength(20);
    const score = scoreEval([result([verdict])]);
    expect(score.findings.stale_uptime).toMatchObject({
      tp: 1,
      fp: 0,
      fn: 0,
      precision: 1,
      recall: 1,
      detectP50Seconds: 1.5,
    });
    expect(score.rightTop).toEqual({ right: 20, judged: 20, share: 1 });
    expect(score.suggestions.none).toMatchObject({ tp: 19, fp: 0, fn: 0 });
    expect(score.scenarios).toEqual([{ name: 's', passed: true, seconds: 1, violations: [], why: [] }]);
  });

  it('scores an expected finding that never came as a miss, and the wrong top suggestion as wrong', () => {
    const verdict = judgeCheckpoint(expectsStale, seen(), fleet, played);
    expect(verdict.violations).toEqual([
      'checkpoint 10s (line 10): cpe-000007 has no stale_uptime, expected one',
      'checkpoint 10s (line 10): sub-000007 top suggestion none, expected remote_reboot',
    ]);
    const score = scoreEval([result([verdict])]);
    expect(score.findings.stale_uptime).toMatchObject({ tp: 0, fn: 1, recall: 0, precision: null });
    expect(score.suggestions.remote_reboot).toMatchObject({ tp: 0, fn: 1, recall: 0 });
    expect(score.suggestions.none).toMatchObject({ fp: 1 });
    expect(score.rightTop).toEqual({ right: 19, judged: 20, share: 0.95 });
    expect(score.rightTopWhenTroubled).toEqual({ right: 0, judged: 1, share: 0 });
    expect(score.scenarios[0]?.passed).toBe(false);
    expect(formatEval(score)).toMatch(/sub-000007 top suggestion none, expected remote_reboot/);
  });

  it('counts what nobody expected as false positives: a finding, a suggestion, an incident', () => {
    const verdict = judgeCheckpoint(
      checkpoint(),
      seen({
        findings: [
          { deviceId: 'cpe-000003', kind: 'unreachable', since: T0 },
          { deviceId: 'bs-0001', kind: 'cell_down', since: T0 },
          { deviceId: 'bs-0001', kind: 'cell_down', since: T0 + 5 },
        ],
        incidents: [
          { id: 'outage:bs-0001', kind: 'outage', rootDeviceId: 'bs-0001', state: 'pending', openedAt: T0 },
        ],
        tops: new Map([['sub-000003', 'consultation']]),
      }),
      fleet,
      [],
    );
    expect(verdict.findings.map((f) => [f.deviceId, f.kind, f.expected, f.observed])).toEqual([
      ['cpe-000003', 'unreachable', 'absent', true],
      ['bs-0001', 'cell_down', 'absent', true],
    ]);
    expect(verdict.incidents).toEqual([{ rootDeviceId: 'bs-0001', observed: 'outage' }]);
    expect(verdict.violations).toHaveLength(4);
    const score = scoreEval([result([verdict])]);
    expect(score.findings.unreachable).toMatchObject({ fp: 1, precision: 0, recall: null });
    expect(score.suggestions.consultation).toMatchObject({ fp: 1 });
  });

  it('neither rewards nor punishes what a scenario marks optional or any', () => {
    const verdict = judgeCheckpoint(
      checkpoint({
        findings: [{ line: 11, deviceId: 'cpe-000019', kind: 'stale_uptime', expect: 'optional' }],
        suggestions: [{ line: 12, subscriberId: 'sub-000019', top: 'any' }],
      }),
      seen({ tops: new Map([['sub-000019', 'remote_reboot']]) }),
      fleet,
      [],
    );
    expect(verdict.violations).toEqual([]);
    const score = scoreEval([result([verdict])]);
    expect(score.findings.stale_uptime).toMatchObject({ tp: 0, fp: 0, fn: 0 });
    expect(score.rightTop.judged).toBe(19);
  });
});

describe('judging a whole run', () => {
  const expectsOutage = scenario([
    checkpoint({ incidents: [{ line: 20, rootDeviceId: 'bs-0002', kind: 'outage' }] }),
  ]);
  const down: PlayedStep = { line: 6, atMs: T0, deviceIds: ['bs-0002'], down: { untilMs: T0 + 16_000 } };

  it('flags a reboot proposed behind a parent that is down, and an outage nobody expected', () => {
    const verdict = judgeRun(
      expectsOutage,
      fleet,
      {
        incidents: [
          {
            id: 'outage:bs-0002',
            kind: 'outage',
            rootDeviceId: 'bs-0002',
            state: 'resolved',
            openedAt: T0 + 2_000,
            resolvedAt: T0 + 20_000,
          },
          {
            id: 'outage:an-0001',
            kind: 'outage',
            rootDeviceId: 'an-0001',
            state: 'open',
            openedAt: T0 + 3_000,
          },
          {
            id: 'outage:an-0002',
            kind: 'outage',
            rootDeviceId: 'an-0002',
            state: 'pending',
            openedAt: T0 + 3_000,
          },
        ],
        suggestions: [
          {
            id: 'cpe-000012:remote_reboot:x',
            deviceId: 'cpe-000012',
            subscriberIds: ['sub-000012'],
            kind: 'remote_reboot',
            state: 'withdrawn',
            createdAt: T0 + 500,
          },
          // Before the parent went down, and one that is not a reboot or a visit: both fine.
          {
            id: 'cpe-000013:remote_reboot:y',
            deviceId: 'cpe-000013',
            subscriberIds: ['sub-000013'],
            kind: 'remote_reboot',
            state: 'withdrawn',
            createdAt: T0 - 500,
          },
          {
            id: 'cpe-000014:outage_notice:z',
            deviceId: 'cpe-000014',
            subscriberIds: ['sub-000014'],
            kind: 'outage_notice',
            state: 'proposed',
            createdAt: T0 + 4_000,
          },
          // Elsewhere in the fleet: its own business.
          {
            id: 'cpe-000002:technician_visit:w',
            deviceId: 'cpe-000002',
            subscriberIds: ['sub-000002'],
            kind: 'technician_visit',
            state: 'proposed',
            createdAt: T0 + 1_000,
          },
        ],
      },
      [down],
      T0 + 30_000,
    );
    expect(verdict.falseOutages).toEqual(['outage:an-0001']);
    expect(verdict.suggestedInsideOutage).toEqual(['cpe-000012:remote_reboot:x']);
    const score = scoreEval([result([], verdict)]);
    expect(score).toMatchObject({ falseOutages: 1, rebootsOrVisitsInsideOutage: 1 });
    expect(score.scenarios[0]?.violations).toEqual([
      'false outage: outage:an-0001 was announced',
      'remote_reboot cpe-000012:remote_reboot:x proposed inside the outage of bs-0002 (timeline line 6)',
    ]);
  });
});
