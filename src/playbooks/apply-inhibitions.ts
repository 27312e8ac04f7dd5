import type { DroppedSuggestion } from './explain-trace.js';
import type { Candidate } from './match-rule.js';
import { matches } from './parse-matcher.js';
import type { PlanInput } from './plan-types.js';
import type { InhibitRule } from './playbook-types.js';

/** Something present on the device that can mute a suggestion: another suggestion, a finding, an incident. */
export interface InhibitSource {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/** The device's own findings (those correlation left uninhibited) and its open incidents, as label sets. */
export function inhibitSources(input: PlanInput, candidates: readonly Candidate[]): InhibitSource[] {
  const { device } = input;
  const common = {
    device: device.id,
    device_kind: device.kind,
    parent: device.parentId ?? '',
    model: device.model ?? '',
  };
  return [
    ...candidates.map((c) => ({ name: `suggestion ${c.suggestion.id}`, labels: c.labels })),
    ...input.findings
      .filter((f) => !f.inhibited)
      .map((f) => ({
        name: `finding ${f.id}`,
        labels: { ...common, type: 'finding', finding: f.kind, severity: f.severity },
      })),
    ...input.incidents
      .filter((i) => i.open)
      .map((i) => ({ name: `${i.kind} ${i.id}`, labels: { ...common, type: 'incident', incident: i.kind } })),
  ];
}

/**
 * Alertmanager's inhibition (inhibit/inhibit.go): a target is muted when some other source matches the
 * rule's source matchers and agrees with it on every `equal` label. Muted suggestions still mute others,
 * as inhibited alerts do in Alertmanager, so the result does not depend on the order of the rules.
 */
export function applyInhibitions(
  candidates: readonly Candidate[],
  sources: readonly InhibitSource[],
  rules: readonly InhibitRule[],
): { kept: Candidate[]; dropped: DroppedSuggestion[] } {
  const kept: Candidate[] = [];
  const dropped: DroppedSuggestion[] = [];
  for (const target of candidates) {
    let by: { source: InhibitSource; rule: InhibitRule } | undefined;
    for (const rule of rules) {
      if (!rule.targetMatchers.every((m) => matches(m, target.labels))) continue;
      const source = sources.find(
        (s) =>
          s.labels !== target.labels &&
          rule.sourceMatchers.every((m) => matches(m, s.labels)) &&
          rule.equal.every((label) => (s.labels[label] ?? '') === (target.labels[label] ?? '')),
      );
      if (source) {
        by = { source, rule };
        break;
      }
    }
    if (!by) kept.push(target);
    else
      dropped.push({
        suggestionId: target.suggestion.id,
        kind: target.suggestion.kind,
        why: 'inhibited',
        by: `${by.source.name} (${by.rule.sourceMatchers.map((m) => m.text).join(', ')})`,
        source: by.rule.source,
      });
  }
  return { kept, dropped };
}
