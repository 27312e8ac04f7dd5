/**
 * Playbooks: compiled rules → suggestions, guards, explain. Pure: no I/O, no clock of its own
 * (the caller reads playbooks/*.yaml and passes `now` or a clock).
 */
export { compilePlaybook } from './compile-playbook.js';
export { compilePlaybooks, type PlaybookSet } from './compile-playbooks.js';
export { formatPlaybookError, sortPlaybookErrors, type PlaybookError } from './playbook-error.js';
export { createPlanner, plan, type Clock, type Planner } from './plan.js';
export { formatExplain } from './format-explain.js';
export { checkRebootGuards } from './check-reboot-guards.js';
export {
  REBOOT_GUARDS,
  type DroppedSuggestion,
  type ExplainTrace,
  type GuardCheck,
  type RebootGuardName,
  type RuleTrace,
} from './explain-trace.js';
export type {
  PlanFinding,
  PlanIncident,
  PlanInput,
  PlanResult,
  RebootHistory,
  Suggestion,
} from './plan-types.js';
export {
  DEFAULT_REBOOT_GUARDS,
  INCIDENT_KINDS,
  LANGUAGES,
  SUGGESTION_KINDS,
  type IncidentKind,
  type InhibitRule,
  type Language,
  type Playbook,
  type PlaybookRule,
  type RebootGuards,
  type SuggestionKind,
} from './playbook-types.js';
export { FINDING_VALUES } from './placeholder-catalogue.js';
