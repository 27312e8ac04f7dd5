import { readFileSync } from 'node:fs';
import type { Finding, FindingKind, Severity } from '../../src/detection/finding.js';
import {
  compilePlaybooks,
  formatPlaybookError,
  type PlanFinding,
  type PlanIncident,
  type PlanInput,
  type Playbook,
} from '../../src/playbooks/index.js';

export const HOUR = 3_600_000;
export const T0 = Date.parse('2026-11-20T08:00:00Z');

/** The shipped playbooks, compiled as `vigil check` compiles them. */
export function shippedPlaybooks(): readonly Playbook[] {
  return compileOrThrow([{ file: 'playbooks/cpe.yaml', text: readFileSync('playbooks/cpe.yaml', 'utf8') }]);
}

export function compileOrThrow(sources: { file: string; text: string }[]): readonly Playbook[] {
  const result = compilePlaybooks(sources);
  if ('errors' in result) throw new Error(result.errors.map(formatPlaybookError).join('\n'));
  return result.playbooks;
}

/** A clock the test moves by hand. */
export function fakeClock(start = T0): { now(): number; advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

const VALUES: Partial<Record<FindingKind, Finding['evidence']>> = {
  stale_uptime: {
    summary: 'up 40 days',
    values: { days: 40, uptimeSeconds: 3_456_000, thresholdSeconds: 2_592_000 },
  },
  error_rate: {
    summary: '1240 input errors in the last hour on wan0',
    values: { errorsPerHour: 1240.4, thresholdPerHour: 100, ifIndex: 2, interface: 'wan0' },
  },
  reboot_loop: { summary: '4 reboots in 30 minutes', values: { reboots: 4, windowSeconds: 1800 } },
  low_signal: {
    summary: 'signal -29.5 dBm',
    values: { signalDbm: -29.5, floorDbm: -27, clearAboveDbm: -25 },
  },
  unreachable: { summary: 'no answer to 3 polls', values: { failures: 3, outcome: 'timeout' } },
  wan_down: {
    summary: 'upstream interface wan0 is down',
    values: { ifIndex: 2, interface: 'wan0', operStatus: 'down' },
  },
  resource_exhaustion: { summary: 'memory at 97%', values: { resource: 'memory', percent: 97, ceiling: 90 } },
  flapping: {
    summary: 'pon0 went down and up 4 times in 20 minutes',
    values: { changes: 4, windowSeconds: 3600 },
  },
};

export function finding(
  kind: FindingKind,
  opts: { since?: number; severity?: Severity; inhibited?: boolean; deviceId?: string } = {},
): PlanFinding {
  const deviceId = opts.deviceId ?? 'cpe-1';
  return {
    id: `${deviceId}:${kind}`,
    deviceId,
    kind,
    severity: opts.severity ?? 'minor',
    since: opts.since ?? T0 - HOUR / 2,
    updatedAt: opts.since ?? T0 - HOUR / 2,
    evidence: VALUES[kind] ?? { summary: kind, values: {} },
    ...(opts.inhibited ? { inhibited: true } : {}),
  };
}

export function outage(opts: Partial<PlanIncident> = {}): PlanIncident {
  return { id: 'inc-7', kind: 'outage', open: true, ...opts };
}

/** A reachable CPE under an-1 with no findings, incidents or reboots; tests override what they need. */
export function input(overrides: Partial<Omit<PlanInput, 'now'>> = {}): Omit<PlanInput, 'now'> {
  return {
    device: { id: 'cpe-1', kind: 'cpe', parentId: 'an-1', model: 'RT-500' },
    findings: [],
    incidents: [],
    history: { rebootsAt: [], rebootOutcomes: [] },
    concurrentRebootsUnderParent: 0,
    reachable: true,
    language: 'en',
    ...overrides,
  };
}
