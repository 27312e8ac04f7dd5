import type { DeviceKind } from '../probes/probe-types.js';
import { announcedSummary } from './announced-silence.js';
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
  if (ctx.announced)
    return {
      summary: announcedSummary(ctx.announced),
      values: { ...values, alarm: ctx.announced.alarm, reportedBy: ctx.announced.reportedBy },
    };
  // auth_failed: the device answers, but not to us; the cure is credentials, not a truck.
  if (ctx.poll.outcome === 'auth_failed') return { summary: 'SNMP credentials rejected', values };
  // malformed: the device answers with bytes that are no valid SNMP answer (firmware, or not our device).
  if (ctx.poll.outcome === 'malformed') return { summary: 'answers with malformed SNMP messages', values };
  const polls = `${formatCount(failures)} poll${failures === 1 ? '' : 's'} in a row`;
  const cause = ctx.poll.outcome === 'transport_error' ? ' (network error)' : '';
  return { summary: `no answer to ${polls}${cause}`, values };
}

/**
 * unreachable / base_station_down. The debouncing is trackReachability's, with the probe's own counts
 * (unreachableAfterFailures failures in a row make a device unreachable, reachableAfterSuccesses
 * answers in a row make it reachable again) instead of openAfterPolls/clearAfterPolls; so this judgement
 * opens and clears at once on the debounced state:
 * - present while the device is unreachable and this poll failed;
 * - unknown while it is unreachable but answered (recovering, not yet enough answers): kept as it is;
 * - absent once it is reachable.
 * Judging the debounced state rather than each failed poll also means one lost packet cannot even
 * reword an open base_station_down that the cells opened.
 */
export function detectUnreachable(ctx: DetectorContext): Judgement {
  const { kind, severity } = kindAndSeverity(ctx.device.kind);
  const unreachable = ctx.state.reachable === false;
  const failed = isFailedOutcome(ctx.poll.outcome);
  const present: Condition[] = unreachable && failed ? [{ kind, severity, evidence: evidence(ctx) }] : [];
  return {
    kinds: [kind],
    present,
    unknown: unreachable && !failed ? 'all' : 'none',
    openAfterPolls: 1,
    clearAfterPolls: 1,
  };
}
