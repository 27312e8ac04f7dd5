import type { PlanFinding, PlanIncident, PlanInput, Suggestion } from './plan-types.js';
import { LANGUAGES, type Language, type PlaybookRule, type SuggestionTemplate } from './playbook-types.js';
import { formatEta, renderTemplate } from './render-template.js';

/** A suggestion before inhibition, with the labels inhibit rules match on. */
export interface Candidate {
  suggestion: Suggestion;
  labels: Record<string, string>;
  /** The suggestion's text in every language: matched once, rendered once per language. */
  texts: Record<Language, string>;
}

/** The suggestion a rule's template makes for these causes (or this incident), with its inhibit labels. */
export function buildCandidate(
  rule: PlaybookRule,
  template: SuggestionTemplate,
  input: PlanInput,
  causes: readonly PlanFinding[],
  incident?: PlanIncident,
): Candidate {
  const { device, language } = input;
  const causeId = incident?.id ?? causes[0]?.id ?? rule.id;
  const values = templateValues(input, causes, incident);
  const texts = Object.fromEntries(
    LANGUAGES.map((l) => [l, renderTemplate(template.text[l], values)]),
  ) as Record<Language, string>;
  const suggestion: Suggestion = {
    id: `${device.id}:${template.suggest}:${causeId}`,
    deviceId: device.id,
    kind: template.suggest,
    priority: template.priority,
    text: texts[language],
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
  return { suggestion, texts, labels: candidateLabels(rule, input, suggestion, causes[0], incident) };
}

/** What a template's {placeholders} can name: the device, its findings' evidence, the incident. */
function templateValues(
  input: PlanInput,
  causes: readonly PlanFinding[],
  incident?: PlanIncident,
): Record<string, string | number | undefined> {
  const { device } = input;
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
  return values;
}

/** The labels inhibit rules match on, as in Alertmanager's source/target matchers. */
function candidateLabels(
  rule: PlaybookRule,
  { device }: PlanInput,
  suggestion: Suggestion,
  primary: PlanFinding | undefined,
  incident?: PlanIncident,
): Record<string, string> {
  return {
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
}

function pick(values: Record<string, string | number | undefined>): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string | number] => e[1] !== undefined),
  );
}
