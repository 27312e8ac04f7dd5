import { applyInhibitions, inhibitSources } from './apply-inhibitions.js';
import type { DroppedSuggestion, ExplainTrace, RuleTrace } from './explain-trace.js';
import { matchRule, type Candidate } from './match-rule.js';
import type { PlanInput, PlanResult } from './plan-types.js';
import type { Playbook } from './playbook-types.js';

/**
 * What to suggest for one device, and why (pure: the caller gathers findings, incidents and history;
 * the clock is `input.now`). Steps: every rule of every playbook in file order → reboot guards →
 * inhibition → one suggestion per kind (the most urgent) → sorted by priority, then id.
 */
export function plan(playbooks: readonly Playbook[], input: PlanInput): PlanResult {
  const rules: RuleTrace[] = [];
  const candidates: Candidate[] = [];
  for (const playbook of playbooks)
    for (const rule of playbook.rules) {
      const result = matchRule(rule, playbook.guards.reboot, input);
      rules.push(result.trace);
      candidates.push(...result.candidates);
    }
  const inhibitRules = playbooks.flatMap((p) => p.inhibitRules);
  const { kept, dropped } = applyInhibitions(candidates, inhibitSources(input, candidates), inhibitRules);

  // Two rules may propose the same kind (stale uptime and memory both say "reboot"): the agent sees one,
  // the most urgent; ties go to the rule written first.
  const best = new Map<string, Candidate>();
  const duplicates: DroppedSuggestion[] = [];
  for (const c of kept) {
    const current = best.get(c.suggestion.kind);
    if (!current || c.suggestion.priority < current.suggestion.priority) {
      if (current) duplicates.push(duplicate(current, c));
      best.set(c.suggestion.kind, c);
    } else if (current.suggestion.id !== c.suggestion.id) duplicates.push(duplicate(c, current));
  }
  const texts = new Map([...best.values()].map((c) => [c.suggestion.id, c.texts]));
  const suggestions = [...best.values()]
    .map((c) => c.suggestion)
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const trace: ExplainTrace = {
    deviceId: input.device.id,
    at: input.now,
    findings: input.findings.map((f) => ({
      id: f.id,
      kind: f.kind,
      severity: f.severity,
      inhibited: f.inhibited ?? false,
      summary: f.evidence.summary,
    })),
    incidents: input.incidents.map((i) => ({ id: i.id, kind: i.kind, open: i.open })),
    rules,
    dropped: [...dropped, ...duplicates],
    suggestions: suggestions.map((s) => ({
      id: s.id,
      kind: s.kind,
      priority: s.priority,
      ruleId: s.ruleId,
      text: s.text,
    })),
  };
  return { suggestions, texts, trace };
}

function duplicate(loser: Candidate, winner: Candidate): DroppedSuggestion {
  return {
    suggestionId: loser.suggestion.id,
    kind: loser.suggestion.kind,
    why: 'duplicate',
    by: `${winner.suggestion.id} (rule ${winner.suggestion.ruleId}, priority ${winner.suggestion.priority})`,
    source: loser.suggestion.rule,
  };
}

export interface Clock {
  now(): number;
}

export interface Planner {
  plan(input: Omit<PlanInput, 'now'>): PlanResult;
}

/** A planner bound to a compiled set and a clock; tests pass a fake clock and move it. */
export function createPlanner(deps: { playbooks: readonly Playbook[]; clock: Clock }): Planner {
  return { plan: (input) => plan(deps.playbooks, { ...input, now: deps.clock.now() }) };
}
