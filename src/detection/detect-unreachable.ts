import type { DeviceKind } from '../polling/probe-types.js';
import type { Condition, DetectorContext, Judgement } from './detector.js';
import type { Evidence, FindingKind, Severity } from './finding.js';
import { formatCount } from './format-evidence.js';
import { isFailedOutcome } from './track-reachability.js';

/**
 * A base station that does not answer is itself the outage (base_station_down, critical); a CPE
 * affects one subscriber (major); an access node takes its subscribers with it (critical).
 */
function kindAndSeverity(device: DeviceKind): { kind: FindingKind; severity: Severity } {
  if (device === 'base_station') return { kind: 'base_station_down', severity: 'critical' };
  return { kind: 'unreachable', severity: device === 'cpe' ? 'major' : 'critical' };
}

function evidence(ctx: DetectorContext): Evidence {
  const failures = ctx.state.consecutiveFailures;
  const values = { failures, outcome: ctx.poll.outcome };
  // auth_failed: the device answers, but not to us; the cure is credentials, not a truck.
  if (ctx.poll.outcome === 'auth_failed') return { summary: 'SNMP credentials rejected', values };
  const polls = `${formatCount(failures)} poll${failures === 1 ? '' : 's'} in a row`;
  const cause = ctx.poll.outcome === 'transport_error' ? ' (network error)' : '';
  return { summary: `no answer to ${polls}${cause}`, values };
}

/**
 * unreachable / base_station_down: present on every failed poll. It opens after the probe's
 * unreachableAfterFailures failures in a row and clears after reachableAfterSuccesses answers in a
 * row, instead of the generic openAfterPolls/clearAfterPolls. Never unknown: a poll always says
 * whether the device answered.
 */
export function detectUnreachable(ctx: DetectorContext): Judgement {
  const { kind, severity } = kindAndSeverity(ctx.device.kind);
  const present: Condition[] = isFailedOutcome(ctx.poll.outcome)
    ? [{ kind, severity, evidence: evidence(ctx) }]
    : [];
  return {
    kinds: [kind],
    present,
    unknown: 'none',
    openAfterPolls: ctx.probe.thresholds.unreachableAfterFailures,
    clearAfterPolls: ctx.probe.thresholds.reachableAfterSuccesses,
  };
}
