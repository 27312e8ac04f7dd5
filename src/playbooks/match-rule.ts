import type { RuleTrace } from './explain-trace.js';
import { checkRebootGuards } from './check-reboot-guards.js';
import type { PlanFinding, PlanIncident, PlanInput, Suggestion } from './plan-types.js';
import {
  SEVERITIES,
  type PlaybookRule,
  type RebootGuards,
  type SuggestionTemplate,
} from './playbook-types.js';
import { formatEta, renderTemplate } from './render-template.js';

/** A suggestion before inhibition, with the labels inhibit rules match on. */
export interface Candidate {
  suggestion: Suggestion;
  labels: Record<string, string>;
}

/** One rule against one device: what it proposes (zero, one per incident, or one for its findings) and why. */
export function matchRule(
  rule: PlaybookRule,
  guards: RebootGuards,
  input: PlanInput,
): { trace: RuleTrace; candidates: Candidate[] } {
  const base = { ruleId: rule.id, source: rule.source };
  const { device } = input;
  const { match } = rule;
  if (match.deviceKinds && !match.deviceKinds.includes(device.kind))
    return miss(base, `device kind ${device.kind} is not ${match.deviceKinds.join(' or ')}`);
  if (match.model && !match.model.test(device.model ?? ''))
    return miss(base, `model ${JSON.stringify(device.model ?? '')} does not match /${match.model.source}/`);

  if (match.incidents) {
    const incidents = input.incidents.filter((i) => i.open && match.incidents?.includes(i.kind));
    if (incidents.length === 0)
      return miss(base, `no open ${match.incidents.join(' or ')} covers the device`);
    const candidates = incidents.map((incident) => candidate(rule, rule, input, [], incident));
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

  const wanted = input.findings.filter((f) => match.findings?.includes(f.kind));
  const open = wanted.filter((f) => !f.inhibited);
  const severe = open.filter(
    (f) => !match.severityAtLeast || rank(f.severity) >= rank(match.severityAtLeast),
  );
  const old = severe.filter((f) => match.openForMs === undefined || input.now - f.since >= match.openForMs);
  const causes = old
    .filter((f) => match.rebootFailed === undefined || rebootFailedSince(input, f) === match.rebootFailed)
    .sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (causes.length === 0) {
    const kinds = match.findings?.join(' or ') ?? '';
    const reason =
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
    return miss(base, reason);
  }
  const reason = causes.map((f) => f.id).join(', ');
  if (rule.suggest !== 'remote_reboot') {
    const c = candidate(rule, rule, input, causes);
    return { trace: { ...base, matched: true, reason, proposed: c.suggestion.id }, candidates: [c] };
  }
  const checks = checkRebootGuards(input, guards);
  const blocked = checks.filter((g) => !g.passed).map((g) => g.guard);
  if (blocked.length === 0) {
    const c = candidate(rule, rule, input, causes);
    return {
      trace: { ...base, matched: true, reason, proposed: c.suggestion.id, guards: checks },
      candidates: [c],
    };
  }
  // An unreachable device cannot take a reboot command, but the customer can pull the plug. During an
  // outage, though, the outage notice is the whole answer.
  if (blocked.includes('reachable') && !blocked.includes('outage') && rule.whenUnreachable) {
    const c = candidate(rule, rule.whenUnreachable, input, causes);
    return {
      trace: { ...base, matched: true, reason, guards: checks, fellBackTo: c.suggestion.id },
      candidates: [c],
    };
  }
  return { trace: { ...base, matched: true, reason, guards: checks }, candidates: [] };
}

function miss(
  base: Pick<RuleTrace, 'ruleId' | 'source'>,
  reason: string,
): { trace: RuleTrace; candidates: Candidate[] } {
  return { trace: { ...base, matched: false, reason }, candidates: [] };
}

const rank = (severity: string): number => SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);

/** Did a verified reboot after the finding opened leave it open? (A finding that cleared and reopened is new.) */
function rebootFailedSince(input: PlanInput, finding: PlanFinding): boolean {
  return input.history.rebootOutcomes.some(
    (o) => !o.clearedFinding && o.at >= finding.since && o.at <= input.now,
  );
}

function candidate(
  rule: PlaybookRule,
  template: SuggestionTemplate,
  input: PlanInput,
  causes: readonly PlanFinding[],
  incident?: PlanIncident,
): Candidate {
  const { device, language } = input;
  const primary = causes[0];
  const causeId = incident?.id ?? primary?.id ?? rule.id;
  const values: Record<string, string | number | undefined> = {
    deviceId: device.id,
    deviceKind: device.kind,
    model: device.model,
    parentId: device.parentId ?? undefined,
  };
  // The primary (oldest) finding is applied last, so its values win where two findings share a name.
  for (const f of [...causes].reverse())
    Object.assign(values, f.evidence.values, {
      summary: f.evidence.summary,
      subject: f.subject,
      severity: f.severity,
      openMinutes: Math.floor((input.now - f.since) / 60_000),
    });
  if (incident)
    Object.assign(values, {
      incidentId: incident.id,
      incidentKind: incident.kind,
      eta: incident.eta === undefined ? undefined : formatEta(incident.eta),
      note: incident.note,
    });
  const suggestion: Suggestion = {
    id: `${device.id}:${template.suggest}:${causeId}`,
    deviceId: device.id,
    kind: template.suggest,
    priority: template.priority,
    text: renderTemplate(template.text[language], values),
    language,
    ruleId: rule.id,
    rule: rule.source,
    cause: { findingIds: causes.map((f) => f.id), ...(incident ? { incidentId: incident.id } : {}) },
    evidence: incident
      ? [
          {
            summary: `${incident.kind} ${incident.id}`,
            values: pick({ eta: incident.eta, note: incident.note }),
          },
        ]
      : causes.map((f) => f.evidence),
  };
  const labels: Record<string, string> = {
    type: 'suggestion',
    suggestion: suggestion.kind,
    rule: rule.id,
    device: device.id,
    device_kind: device.kind,
    parent: device.parentId ?? '',
    model: device.model ?? '',
    ...(primary ? { finding: primary.kind, severity: primary.severity } : {}),
    ...(incident ? { incident: incident.kind } : {}),
  };
  return { suggestion, labels };
}

function pick(values: Record<string, string | number | undefined>): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string | number] => e[1] !== undefined),
  );
}
