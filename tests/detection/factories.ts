import { detect } from '../../src/detection/detect.js';
import { initialDetectionState, type DetectionState } from '../../src/detection/detection-state.js';
import type { DetectorContext, Judgement } from '../../src/detection/detector.js';
import type { FindingChange, FindingKind } from '../../src/detection/finding.js';
import type {
  PollOutcome,
  PollResult,
  PollSample,
  Rates,
  SampleValue,
} from '../../src/probes/poll-result.js';
import type { DeviceKind, Probe, Thresholds } from '../../src/probes/probe-types.js';

export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
export const INTERVAL_S = 60;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const DEVICE_ID = 'cpe-000042';

export const THRESHOLDS: Thresholds = {
  unreachableAfterFailures: 3,
  reachableAfterSuccesses: 2,
  staleUptimeSeconds: 30 * 86_400,
  rebootLoopCount: 3,
  rebootLoopWindowSeconds: 3600,
  errorRatePerHour: 100,
  signalFloorDbm: -27,
  signalClearMarginDb: 1,
  cpuCeilingPercent: 90,
  memoryCeilingPercent: 90,
  temperatureCeilingCelsius: 70,
  openAfterPolls: 3,
  clearAfterPolls: 3,
  flapChanges: 4,
  flapWindowSeconds: 600,
};

/** A compiled probe written by hand: a GPON home router (IF-MIB interfaces, optical Rx power). */
export function probe(
  overrides: Partial<Omit<Probe, 'thresholds'>> & { thresholds?: Partial<Thresholds> } = {},
): Probe {
  const { thresholds, ...rest } = overrides;
  return {
    name: 'cpe-gpon',
    source: { file: 'probes/cpe-gpon.yaml', line: 1 },
    description: 'GPON home router',
    deviceKinds: ['cpe'],
    sysObjectIdPrefixes: ['1.3.6.1.4.1.99999.1'],
    intervalSeconds: INTERVAL_S,
    timeoutMs: 2000,
    retries: 1,
    maxRepetitions: 20,
    scalars: [{ name: 'sysUpTime', oid: '1.3.6.1.2.1.1.3.0', kind: 'timeticks', optional: false }],
    tables: [],
    derived: [],
    upstreamInterfacePattern: '^(pon|wan)',
    thresholds: { ...THRESHOLDS, ...thresholds },
    ...rest,
  };
}

export type Row = Record<string, SampleValue>;

/** An IF-MIB row: admin up unless said otherwise. */
export function iface(name: string, oper: string, admin = 'up'): Row {
  return { ifDescr: name, ifName: name, ifAdminStatus: admin, ifOperStatus: oper, ifInErrors: 0 };
}

export function cell(name: string, status: string, ues = 10): Row {
  return { cellName: name, cellOperStatus: status, cellConnectedUes: ues };
}

/** A healthy GPON router: PON up, one LAN port up, one never used. */
export const HEALTHY_INTERFACES: Record<string, Row> = {
  '1': iface('pon0', 'up'),
  '2': iface('lan1', 'up'),
  '3': iface('lan2', 'down'),
};

export interface SampleSpec {
  at?: number;
  /** sysUpTime in seconds (as decoded from TimeTicks), or null for missing. */
  uptime?: number | null;
  scalars?: Record<string, SampleValue>;
  interfaces?: Record<string, Row> | null;
  cells?: Record<string, Row>;
}

export function sample(spec: SampleSpec = {}): PollSample {
  const at = spec.at ?? T0;
  const scalars: Record<string, SampleValue> = {
    sysName: 'router',
    cpuLoad: 12,
    signal: -20,
    ...spec.scalars,
  };
  if (spec.uptime !== null) scalars['sysUpTime'] = spec.uptime ?? 5 * 86_400;
  const tables: PollSample['tables'] = {};
  if (spec.interfaces !== null) tables['interfaces'] = spec.interfaces ?? HEALTHY_INTERFACES;
  if (spec.cells) tables['cells'] = spec.cells;
  return { at, scalars, tables };
}

const META = { durationMs: 40, retries: 0, pdus: 2 };

export function okPoll(s: PollSample = sample(), outcome: 'ok' | 'partial' = 'ok'): PollResult {
  return { deviceId: DEVICE_ID, outcome, sample: s, meta: META };
}

export function failedPoll(outcome: Exclude<PollOutcome, 'ok' | 'partial'> = 'timeout'): PollResult {
  return { deviceId: DEVICE_ID, outcome, reason: outcome, meta: META };
}

export function state(overrides: Partial<DetectionState> = {}): DetectionState {
  return { ...initialDetectionState(DEVICE_ID), ...overrides };
}

/** A detector's context for one poll; `sample` follows the poll unless the poll failed. */
export function context(
  overrides: Partial<Omit<DetectorContext, 'sample'>> & { sample?: PollSample | null } = {},
): DetectorContext {
  const poll = overrides.poll ?? okPoll(overrides.sample ?? sample());
  const failed = poll.outcome !== 'ok' && poll.outcome !== 'partial';
  return {
    probe: overrides.probe ?? probe(),
    device: overrides.device ?? { id: DEVICE_ID, kind: 'cpe' },
    state: overrides.state ?? state({ reachable: true }),
    poll,
    sample: failed || overrides.sample === null ? undefined : (overrides.sample ?? poll.sample),
    rates: overrides.rates ?? {},
    now: overrides.now ?? T0,
  };
}

/** Feeds polls to detect() one interval apart, as the poller would, collecting every change. */
export class Run {
  readonly probe: Probe;
  readonly kind: DeviceKind;
  state: DetectionState;
  changes: Array<FindingChange & { poll: number }> = [];
  polls = 0;
  now: number;

  constructor(p: Probe = probe(), kind: DeviceKind = 'cpe', start = T0) {
    this.probe = p;
    this.kind = kind;
    this.state = initialDetectionState(DEVICE_ID);
    this.now = start;
  }

  /** One poll; `build` gets the poll time. Returns this poll's changes. */
  poll(build: (at: number) => PollResult, rates: Rates = {}): FindingChange[] {
    this.now += this.probe.intervalSeconds * 1000;
    const out = detect({
      probe: this.probe,
      device: { id: DEVICE_ID, kind: this.kind },
      state: this.state,
      poll: build(this.now),
      rates,
      now: this.now,
    });
    this.state = out.state;
    this.polls += 1;
    this.changes.push(...out.changes.map((c) => ({ ...c, poll: this.polls })));
    return out.changes;
  }

  open(): string[] {
    return Object.keys(this.state.findings).sort();
  }
}

/** A healthy answer from a device booted at `bootAt`. */
export function healthy(
  bootAt: number,
  spec: Omit<SampleSpec, 'at' | 'uptime'> = {},
): (at: number) => PollResult {
  return (at) => okPoll(sample({ ...spec, at, uptime: (at - bootAt) / 1000 }));
}

/** mulberry32: a small seeded PRNG, so random sequences in tests are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function kindsOf(changes: readonly FindingChange[]): string[] {
  return changes.map((c) => `${c.type} ${c.finding.kind}${c.finding.subject ? `:${c.finding.subject}` : ''}`);
}

/** A judgement's present conditions, in short: [kind, subject, severity, summary]. */
export function presentOf(j: Judgement): Array<[string, string | undefined, string, string]> {
  return j.present.map((c) => [c.kind, c.subject, c.severity, c.evidence.summary]);
}

/** Whether a judgement has no data for this subject this poll. */
export function isUnknown(j: Judgement, kind: FindingKind, subject?: string): boolean {
  return j.unknown === 'all' || (typeof j.unknown === 'function' && j.unknown({ kind, subject }));
}
