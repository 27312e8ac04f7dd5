import type { VigilEvent } from '../events/vigil-event.js';
import type { ExplainTrace, Language, PlanFinding, PlanIncident, Suggestion } from '../playbooks/index.js';
import {
  ACTION_STATES,
  CLOSED_STATES,
  publicSuggestion,
  withTransition,
  type SuggestionRecord,
} from './suggestion-record.js';

/** One device's fresh plan, in every language (the same suggestion ids in each). */
export interface DevicePlan {
  deviceId: string;
  subscriberIds: string[];
  suggestions: readonly Suggestion[];
  texts: ReadonlyMap<string, Record<Language, string>>;
  trace: ExplainTrace;
  findings: readonly PlanFinding[];
  incidents: readonly PlanIncident[];
}

export interface SuggestionWrites {
  records: SuggestionRecord[];
  /** Ids to add to / remove from the device's live set. */
  live: { add: string[]; remove: string[] };
  /** Records that closed now (for retention). */
  closed: string[];
  events: VigilEvent[];
}

/**
 * Live suggestions no longer planned leave the live set; a proposed one among them is withdrawn with
 * the reason. Accepted and executing ones belong to their action and are left alone.
 */
function withdrawUnplanned(
  writes: SuggestionWrites,
  plan: DevicePlan,
  planned: ReadonlySet<string>,
  stored: ReadonlyMap<string, SuggestionRecord>,
  liveIds: ReadonlySet<string>,
  now: number,
): void {
  for (const id of liveIds) {
    if (planned.has(id)) continue;
    const previous = stored.get(id);
    if (!previous) {
      writes.live.remove.push(id);
      continue;
    }
    if (ACTION_STATES.includes(previous.state)) continue;
    writes.live.remove.push(id);
    if (previous.state !== 'proposed') continue;
    const record = withTransition(previous, {
      at: now,
      state: 'withdrawn',
      reason: withdrawReason(previous, plan),
    });
    emit(writes, 'suggestion.withdrawn', record, now);
    writes.records.push(record);
    writes.closed.push(id);
  }
}

/**
 * Stored suggestions of one device + its fresh plan → what to write and announce (pure). Same cause,
 * same id: a suggestion still planned is updated in place (an event only when the agent would see a
 * difference); one no longer planned is withdrawn with the reason; a dismissed one stays dismissed while
 * its cause lasts; accepted and executing ones belong to their action and are left alone.
 */
export function reconcileSuggestions(
  plan: DevicePlan,
  stored: ReadonlyMap<string, SuggestionRecord>,
  liveIds: ReadonlySet<string>,
  now: number,
): SuggestionWrites {
  const writes: SuggestionWrites = { records: [], live: { add: [], remove: [] }, closed: [], events: [] };
  const planned = new Set<string>();
  for (const suggestion of plan.suggestions) {
    planned.add(suggestion.id);
    const texts = plan.texts.get(suggestion.id) ?? { en: suggestion.text, ru: suggestion.text };
    const previous = stored.get(suggestion.id);
    // A dismissal lasts while its cause does: a dismissed one that left the live set when its cause
    // cleared is over, and the cause coming back proposes it afresh.
    const over =
      previous !== undefined &&
      (CLOSED_STATES.includes(previous.state) ||
        (previous.state === 'dismissed' && !liveIds.has(previous.id)));
    if (!previous || over) {
      const fresh = { ...fromPlan(suggestion, texts, plan.subscriberIds, now, previous), createdAt: now };
      const record = withTransition(fresh, {
        at: now,
        state: 'proposed',
        reason: previous ? `proposed again: ${causeText(suggestion)}` : `proposed: ${causeText(suggestion)}`,
      });
      delete record.closedAt;
      emit(writes, 'suggestion.created', record, now);
      writes.records.push(record);
      writes.live.add.push(record.id);
      continue;
    }
    if (!liveIds.has(previous.id)) writes.live.add.push(previous.id);
    if (previous.state !== 'proposed') continue;
    const current = {
      ...fromPlan(suggestion, texts, plan.subscriberIds, now, previous),
      state: previous.state,
    };
    if (!differs(previous, current)) continue;
    const record = { ...current, history: previous.history, updatedAt: now, version: previous.version + 1 };
    emit(writes, 'suggestion.updated', record, now);
    writes.records.push(record);
  }

  withdrawUnplanned(writes, plan, planned, stored, liveIds, now);
  return writes;
}

/** The device left the inventory: what it still had proposed expires; actions finish on their own. */
export function expireSuggestions(live: readonly SuggestionRecord[], now: number): SuggestionWrites {
  const writes: SuggestionWrites = { records: [], live: { add: [], remove: [] }, closed: [], events: [] };
  for (const previous of live) {
    if (ACTION_STATES.includes(previous.state)) continue;
    writes.live.remove.push(previous.id);
    if (previous.state !== 'proposed') continue;
    const record = withTransition(previous, {
      at: now,
      state: 'expired',
      reason: `device ${previous.deviceId} is no longer in the inventory`,
    });
    emit(writes, 'suggestion.withdrawn', record, now);
    writes.records.push(record);
    writes.closed.push(record.id);
  }
  return writes;
}

function fromPlan(
  suggestion: Suggestion,
  text: Record<Language, string>,
  subscriberIds: string[],
  now: number,
  previous: SuggestionRecord | undefined,
): SuggestionRecord {
  return {
    id: suggestion.id,
    deviceId: suggestion.deviceId,
    subscriberIds,
    kind: suggestion.kind,
    state: 'proposed',
    priority: suggestion.priority,
    text,
    ruleId: suggestion.ruleId,
    rule: suggestion.rule,
    cause: suggestion.cause,
    evidence: suggestion.evidence,
    createdAt: previous?.createdAt ?? now,
    version: previous?.version ?? 0,
    updatedAt: now,
    history: previous?.history ?? [],
  };
}

/** What an agent would notice: the words, the order, the rule, the subscribers. Evidence alone moves every poll. */
function differs(a: SuggestionRecord, b: SuggestionRecord): boolean {
  return (
    a.priority !== b.priority ||
    a.text.en !== b.text.en ||
    a.text.ru !== b.text.ru ||
    a.ruleId !== b.ruleId ||
    a.subscriberIds.join(',') !== b.subscriberIds.join(',')
  );
}

function causeText(suggestion: Suggestion): string {
  const causes = [
    ...suggestion.cause.findingIds,
    ...(suggestion.cause.incidentId ? [suggestion.cause.incidentId] : []),
  ];
  return `rule ${suggestion.ruleId} on ${causes.join(', ')}`;
}

/** Why a suggestion is no longer planned, from the fresh plan's own trace. */
function withdrawReason(record: SuggestionRecord, plan: DevicePlan): string {
  const dropped = plan.trace.dropped.find((d) => d.suggestionId === record.id);
  if (dropped) return `${dropped.why} by ${dropped.by}`;
  const { incidentId, findingIds } = record.cause;
  if (incidentId !== undefined) {
    const incident = plan.incidents.find((i) => i.id === incidentId);
    return incident?.open ? `rule ${record.ruleId} no longer matches` : `incident ${incidentId} resolved`;
  }
  const open = plan.findings.filter((f) => findingIds.includes(f.id));
  if (open.length === 0) return `finding ${findingIds.join(', ')} cleared`;
  const inhibited = open.filter((f) => f.inhibited);
  if (inhibited.length === open.length) {
    const covering = plan.incidents.map((i) => i.id).join(', ');
    return `finding ${inhibited.map((f) => f.id).join(', ')} inhibited by ${covering || 'a settling outage'}`;
  }
  const rule = plan.trace.rules.find((r) => r.ruleId === record.ruleId);
  const blocked = rule?.guards?.filter((g) => !g.passed).map((g) => `${g.guard}: ${g.reason}`);
  if (blocked && blocked.length > 0) return `blocked by guard ${blocked.join('; ')}`;
  return `rule ${record.ruleId} no longer matches: ${rule?.reason ?? 'see explain'}`;
}

function emit(
  writes: SuggestionWrites,
  type: VigilEvent['type'],
  record: SuggestionRecord,
  now: number,
): void {
  writes.events.push({
    type,
    at: now,
    subscriberIds: record.subscriberIds,
    deviceIds: [record.deviceId],
    data: publicSuggestion(record),
  });
}
