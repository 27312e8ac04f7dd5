import type { RuleTrace } from './explain-trace.js';
import { checkRebootGuards } from './check-reboot-guards.js';
import { buildCandidate, type Candidate } from './build-candidate.js';
import type { PlanFinding, PlanInput } from './plan-types.js';
import { SEVERITIES, type PlaybookRule, type RebootGuards } from './playbook-types.js';

export type { Candidate } from './build-candidate.js';

type RuleMatch = { trace: RuleTrace; candidates: Candidate[] };
type TraceBase = Pick<RuleTrace, 'ruleId' | 'source'>;

/** One rule against one device: what it proposes (zero, one per incident, or one for its findings) and why. */
export function matchRule(rule: PlaybookRule, guards: RebootGuards, input: PlanInput): RuleMatch {
  const base = { ruleId: rule.id, source: rule.source };
  const { device } = input;
  const { match } = rule;
  if (match.deviceKinds && !match.deviceKinds.includes(device.kind))
    return miss(base, `device kind ${device.kind} is not ${match.deviceKinds.join(' or ')}`);
  if (match.model && !match.model.test(device.model ?? ''))
    return miss(base, `model ${JSON.stringify(device.model ?? '')} does not match /${match.model.source}/`);
  if (match.incidents) return matchIncidents(rule, match.incidents, input, base);

  const found = findCauses(rule.match, input);
  if ('missed' in found) return miss(base, found.missed);
  const { causes } = found;
  const reason = causes.map((f) => f.id).join(', ');
  if (rule.suggest !== 'remote_reboot') {
    const c = buildCandidate(rule, rule, input, causes);
    return { trace: { ...base, matched: true, reason, proposed: c.suggestion.id }, candidates: [c] };
  }
  return proposeReboot(rule, guards, input, causes, base, reason);
}

/** One candidate per open incident of the rule's kinds that covers the device. */
function matchIncidents(
  rule: PlaybookRule,
  kinds: readonly string[],
  input: PlanInput,
  base: TraceBase,
): RuleMatch {
  const incidents = input.incidents.filter((i) => i.open && kinds.includes(i.kind));
  if (incidents.length === 0) return miss(base, `no open ${kinds.join(' or ')} covers the device`);
  const candidates = incidents.map((incident) => buildCandidate(rule, rule, input, [], incident));
  return {
    trace: {
      ...base,
      matched: true,
      reason: `open ${incidents.map((i) => `${i.kind} ${i.id}`).join(', ')}`,
      proposed: candidates[0]?.suggestion.id,
    },
    candidates,
  };
}

/**
 * The findings that make the rule fire, oldest first; or, when none does, the first condition that
 * ruled them all out, in the order the conditions narrow.
 */
function findCauses(
  match: PlaybookRule['match'],
  input: PlanInput,
): { causes: PlanFinding[] } | { missed: string } {
  const wanted = input.findings.filter((f) => match.findings?.includes(f.kind));
  const open = wanted.filter((f) => !f.inhibited);
  const severe = open.filter(
    (f) => !match.severityAtLeast || rank(f.severity) >= rank(match.severityAtLeast),
  );
  const old = severe.filter((f) => match.openForMs === undefined || input.now - f.since >= match.openForMs);
  const causes = old
    .filter((f) => match.rebootFailed === undefined || rebootFailedSince(input, f) === match.rebootFailed)
    .sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (causes.length > 0) return { causes };
  const kinds = match.findings?.join(' or ') ?? '';
  const missed =
    wanted.length === 0
      ? `no open ${kinds} finding`
      : open.length === 0
        ? `${wanted.map((f) => f.id).join(', ')} inhibited by correlation`
        : severe.length === 0
          ? `severity below ${match.severityAtLeast ?? ''}`
          : old.length === 0
            ? `open less than ${Math.round((match.openForMs ?? 0) / 60_000)}m`
            : match.rebootFailed
              ? 'no reboot since the finding opened that failed to clear it'
              : 'a reboot since the finding opened did not clear it (escalation rules apply)';
  return { missed };
}

/** A reboot passes every guard, or falls back to the rule's whenUnreachable, or proposes nothing. */
function proposeReboot(
  rule: PlaybookRule,
  guards: RebootGuards,
  input: PlanInput,
  causes: PlanFinding[],
  base: TraceBase,
  reason: string,
): RuleMatch {
  const checks = checkRebootGuards(input, guards);
  const blocked = checks.filter((g) => !g.passed).map((g) => g.guard);
  if (blocked.length === 0) {
    const c = buildCandidate(rule, rule, input, causes);
    return {
      trace: { ...base, matched: true, reason, proposed: c.suggestion.id, guards: checks },
      candidates: [c],
    };
  }
  // An unreachable device cannot take a reboot command, but the customer can pull the plug. During an
  // outage, though, the outage notice is the whole answer.
  if (blocked.includes('reachable') && !blocked.includes('outage') && rule.whenUnreachable) {
    const c = buildCandidate(rule, rule.whenUnreachable, input, causes);
    return {
      trace: { ...base, matched: true, reason, guards: checks, fellBackTo: c.suggestion.id },
      candidates: [c],
    };
  }
  return { trace: { ...base, matched: true, reason, guards: checks }, candidates: [] };
}

function miss(base: TraceBase, reason: string): RuleMatch {
  return { trace: { ...base, matched: false, reason }, candidates: [] };
}

const rank = (severity: string): number => SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);

/** Did a verified reboot after the finding opened leave it open? (A finding that cleared and reopened is new.) */
function rebootFailedSince(input: PlanInput, finding: PlanFinding): boolean {
  return input.history.rebootOutcomes.some(
    (o) => !o.clearedFinding && o.at >= finding.since && o.at <= input.now,
  );
}
