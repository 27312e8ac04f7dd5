import { describe, expect, it } from 'vitest';
import { applyHysteresis, worthUpdating, wording } from '../../src/detection/apply-hysteresis.js';
import type { DetectionState } from '../../src/detection/detection-state.js';
import type { Condition, Judgement } from '../../src/detection/detector.js';
import type { Finding, FindingChange } from '../../src/detection/finding.js';
import { DEVICE_ID, T0, THRESHOLDS, kindsOf } from './factories.js';

const CPU: Condition = {
  kind: 'resource_exhaustion',
  subject: 'cpu',
  severity: 'minor',
  evidence: { summary: 'CPU at 98% (ceiling 90%)', values: { percent: 98 } },
  significant: { value: 'percent', absolute: 5 },
};

/** One judgement per letter: P present, A absent, U unknown. */
function judgement(letter: string, extra: Partial<Judgement> = {}): Judgement {
  return {
    kinds: ['resource_exhaustion'],
    present: letter === 'P' ? [CPU] : [],
    unknown: letter === 'U' ? 'all' : 'none',
    ...extra,
  };
}

function replay(script: string, extra: Partial<Judgement> = {}): string[] {
  let s: Pick<DetectionState, 'pending' | 'findings'> = { pending: {}, findings: {} };
  const log: string[] = [];
  [...script.replace(/ /g, '')].forEach((letter, i) => {
    const out = applyHysteresis({
      deviceId: DEVICE_ID,
      thresholds: THRESHOLDS,
      judgements: [judgement(letter, extra)],
      ...s,
      now: T0 + i * 60_000,
    });
    s = out;
    log.push(...out.changes.map((c) => `${i + 1} ${c.type}`));
  });
  return log;
}

describe('applyHysteresis (open after 3, clear after 3)', () => {
  it.each([
    { script: 'PP', log: [] },
    { script: 'PPP', log: ['3 opened'] },
    { script: 'PPAPP', log: [] },
    { script: 'PPUP', log: ['4 opened'] },
    { script: 'UUUUU', log: [] },
    { script: 'PPP AAA', log: ['3 opened', '6 cleared'] },
    { script: 'PPP AAPAA', log: ['3 opened'] },
    { script: 'PPP AUUUAUA', log: ['3 opened', '10 cleared'] },
    { script: 'PPP PPPP', log: ['3 opened'] },
  ])('$script → $log', ({ script, log }) => {
    expect(replay(script)).toEqual(log);
  });

  it.each([
    { script: 'P', extra: { openAfterPolls: 1 }, log: ['1 opened'] },
    { script: 'PA', extra: { openAfterPolls: 1, clearAfterPolls: 1 }, log: ['1 opened', '2 cleared'] },
    {
      script: 'PPPPPAAAAA',
      extra: { openAfterPolls: 5, clearAfterPolls: 5 },
      log: ['5 opened', '10 cleared'],
    },
  ])('honours a detector’s own counts: $script with $extra → $log', ({ script, extra, log }) => {
    expect(replay(script, extra)).toEqual(log);
  });

  it('keeps only streaks in progress in pending', () => {
    const out = applyHysteresis({
      deviceId: DEVICE_ID,
      thresholds: THRESHOLDS,
      judgements: [judgement('A')],
      pending: { [`${DEVICE_ID}:resource_exhaustion:cpu`]: { present: 2, absent: 0 } },
      findings: {},
      now: T0,
    });
    expect(out.pending).toEqual({});
    expect(out.changes).toEqual([]);
  });

  it('builds the finding with a stable id, the time it opened and the evidence', () => {
    const out = applyHysteresis({
      deviceId: DEVICE_ID,
      thresholds: THRESHOLDS,
      judgements: [judgement('P', { openAfterPolls: 1 })],
      pending: {},
      findings: {},
      now: T0,
    });
    expect(out.changes).toEqual<FindingChange[]>([
      {
        type: 'opened',
        finding: {
          id: 'cpe-000042:resource_exhaustion:cpu',
          deviceId: DEVICE_ID,
          kind: 'resource_exhaustion',
          subject: 'cpu',
          severity: 'minor',
          since: T0,
          updatedAt: T0,
          evidence: CPU.evidence,
        },
      },
    ]);
  });
});

describe('applyHysteresis with two judgements on one kind (base_station_down)', () => {
  const down: Condition = {
    kind: 'base_station_down',
    severity: 'critical',
    evidence: { summary: 'all 3 cells down while the station answers', values: {} },
  };
  const open: Finding = {
    id: `${DEVICE_ID}:base_station_down`,
    deviceId: DEVICE_ID,
    kind: 'base_station_down',
    severity: 'critical',
    since: T0,
    updatedAt: T0,
    evidence: { summary: 'no answer to 3 polls in a row', values: {} },
  };
  const reach = (present: boolean): Judgement => ({
    kinds: ['base_station_down'],
    present: present ? [{ ...down, evidence: open.evidence }] : [],
    unknown: 'none',
    clearAfterPolls: 2,
  });
  const cells = (state: 'P' | 'A' | 'U'): Judgement => ({
    kinds: ['base_station_down', 'cell_down'],
    present: state === 'P' ? [down] : [],
    unknown: state === 'U' ? 'all' : 'none',
    clearAfterPolls: 4,
  });

  it.each([
    { name: 'silent station, cells unknown: stays', judgements: [reach(true), cells('U')], log: [] },
    {
      name: 'answers, cells unknown: unknown wins over absent',
      judgements: [reach(false), cells('U')],
      log: [],
    },
    {
      name: 'answers with every cell down: present, new wording is an update',
      judgements: [reach(false), cells('P')],
      log: ['updated base_station_down'],
    },
  ])('$name', ({ judgements, log }) => {
    const out = applyHysteresis({
      deviceId: DEVICE_ID,
      thresholds: THRESHOLDS,
      judgements,
      pending: {},
      findings: { [open.id]: open },
      now: T0,
    });
    expect(kindsOf(out.changes)).toEqual(log);
    expect(out.findings[open.id]).toBeDefined();
  });

  it('clears after the slower of the two voices', () => {
    let s: Pick<DetectionState, 'pending' | 'findings'> = { pending: {}, findings: { [open.id]: open } };
    const log: string[] = [];
    for (let poll = 1; poll <= 6; poll++) {
      const judgements = [reach(false), cells('A')];
      const out = applyHysteresis({ deviceId: DEVICE_ID, thresholds: THRESHOLDS, judgements, ...s, now: T0 });
      s = out;
      log.push(...out.changes.map((c) => `${poll} ${c.type}`));
    }
    expect(log).toEqual(['4 cleared']);
  });
});

describe('worthUpdating', () => {
  const reported: Finding = {
    id: `${DEVICE_ID}:error_rate:1`,
    deviceId: DEVICE_ID,
    kind: 'error_rate',
    subject: '1',
    severity: 'minor',
    since: T0,
    updatedAt: T0,
    evidence: { summary: '240 input errors in the last hour on pon0', values: { errorsPerHour: 240 } },
  };
  const now = (perHour: number, severity: Condition['severity'] = 'minor', on = 'pon0'): Condition => ({
    kind: 'error_rate',
    subject: '1',
    severity,
    evidence: {
      summary: `${perHour} input errors in the last hour on ${on}`,
      values: { errorsPerHour: perHour },
    },
    significant: { value: 'errorsPerHour', relative: 0.5 },
  });

  it.each([
    { name: 'a counter that ticks', condition: now(250), worth: false },
    { name: 'drift below the step', condition: now(350), worth: false },
    { name: 'half again as many', condition: now(360), worth: true },
    { name: 'half as many', condition: now(120), worth: true },
    { name: 'another severity', condition: now(250, 'major'), worth: true },
    { name: 'other wording', condition: now(240, 'minor', 'the uplink'), worth: true },
    { name: 'no declared key number', condition: { ...now(9000), significant: undefined }, worth: false },
  ])('$name → $worth', ({ condition, worth }) => {
    expect(worthUpdating(reported, condition)).toBe(worth);
  });

  it.each([
    ['no answer to 1 poll in a row', 'no answer to # poll in a row'],
    ['no answer to 12 polls in a row', 'no answer to # poll in a row'],
    ['optical signal −29.4 dBm (floor −27 dBm)', 'optical signal # dBm (floor # dBm)'],
    ['1,240 input errors in the last hour on pon0', '# input errors in the last hour on pon#'],
  ])('masks the numbers of "%s"', (summary, masked) => {
    expect(wording(summary)).toBe(masked);
  });
});
