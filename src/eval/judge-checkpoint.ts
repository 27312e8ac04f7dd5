import type { IncidentKind } from '../correlation/index.js';
import type { FindingKind } from '../detection/index.js';
import type { SuggestionKind } from '../playbooks/index.js';
import type { FleetIndex } from './eval-fleet.js';
import type { Checkpoint, Expectation, TopSuggestion } from './eval-scenario.js';
import type { Observation, PlayedStep, SeenFinding } from './observation.js';

export interface FindingOutcome {
  deviceId: string;
  kind: FindingKind;
  /** `absent` also for every finding the scenario did not name (anything not named is expected clean). */
  expected: Expectation;
  observed: boolean;
  /** Seconds from the timeline step that caused it (on the device or above it) to the finding opening. */
  detectSeconds?: number;
}

export interface SuggestionOutcome {
  subscriberId: string;
  expected: TopSuggestion;
  observed: SuggestionKind | 'none';
}

export interface IncidentOutcome {
  rootDeviceId: string;
  expected?: IncidentKind;
  observed?: IncidentKind;
}

export interface CheckpointVerdict {
  line: number;
  atSeconds: number;
  findings: FindingOutcome[];
  suggestions: SuggestionOutcome[];
  incidents: IncidentOutcome[];
  /** Each expectation not met, said for a person. */
  violations: string[];
  /** For each subscriber whose top suggestion was wrong: Vigil's explanation (filled by the run). */
  why?: Record<string, string[]>;
}

/**
 * What Vigil showed at a checkpoint against what the scenario expects (pure). Every device and
 * subscriber of the fleet is judged: a finding nobody named is a false positive, a subscriber nobody
 * named should have no suggestion, an incident nobody named is a false outage.
 */
export function judgeCheckpoint(
  checkpoint: Checkpoint,
  seen: Observation,
  fleet: FleetIndex,
  played: readonly PlayedStep[],
): CheckpointVerdict {
  const where = `checkpoint ${checkpoint.atSeconds}s (line ${checkpoint.line})`;
  const findings = judgeFindings(checkpoint, seen, fleet, played);
  const suggestions = fleet.subscriberIds.map((subscriberId): SuggestionOutcome => {
    const named = checkpoint.suggestions.find((e) => e.subscriberId === subscriberId);
    return { subscriberId, expected: named?.top ?? 'none', observed: seen.tops.get(subscriberId) ?? 'none' };
  });
  const incidents = judgeIncidents(checkpoint, seen);
  const violations = [
    ...findings
      .filter((f) => (f.expected === 'present' && !f.observed) || (f.expected === 'absent' && f.observed))
      .map((f) =>
        f.observed
          ? `${where}: ${f.deviceId} has ${f.kind}, expected none`
          : `${where}: ${f.deviceId} has no ${f.kind}, expected one`,
      ),
    ...suggestions
      .filter((s) => s.expected !== 'any' && s.expected !== s.observed)
      .map((s) => `${where}: ${s.subscriberId} top suggestion ${s.observed}, expected ${s.expected}`),
    ...incidents
      .filter((i) => i.expected !== i.observed)
      .map(
        (i) =>
          `${where}: incident at ${i.rootDeviceId} ${i.observed ?? 'none'}, expected ${i.expected ?? 'none'}`,
      ),
  ];
  return {
    line: checkpoint.line,
    atSeconds: checkpoint.atSeconds,
    findings,
    suggestions,
    incidents,
    violations,
  };
}

function judgeFindings(
  checkpoint: Checkpoint,
  seen: Observation,
  fleet: FleetIndex,
  played: readonly PlayedStep[],
): FindingOutcome[] {
  const key = (deviceId: string, kind: string): string => `${deviceId} ${kind}`;
  // Several findings of one kind on one device (two cells down) are one fact for the judge: the oldest.
  const open = new Map<string, SeenFinding>();
  for (const f of seen.findings) {
    const k = key(f.deviceId, f.kind);
    const known = open.get(k);
    if (!known || f.since < known.since) open.set(k, f);
  }
  const outcomes: FindingOutcome[] = [];
  const named = new Set<string>();
  for (const e of checkpoint.findings) {
    const k = key(e.deviceId, e.kind);
    if (named.has(k)) continue;
    named.add(k);
    const finding = open.get(k);
    outcomes.push({
      deviceId: e.deviceId,
      kind: e.kind,
      expected: e.expect,
      observed: finding !== undefined,
      ...(finding && e.expect === 'present' ? detectTime(finding, fleet, played) : {}),
    });
  }
  for (const [k, f] of open)
    if (!named.has(k))
      outcomes.push({ deviceId: f.deviceId, kind: f.kind, expected: 'absent', observed: true });
  return outcomes;
}

/** From the last step on the device or an ancestor before the finding opened, to its opening. */
function detectTime(
  finding: SeenFinding,
  fleet: FleetIndex,
  played: readonly PlayedStep[],
): { detectSeconds?: number } {
  const lineage = new Set<string>();
  for (let id: string | null | undefined = finding.deviceId; id; id = fleet.parentOf.get(id)) lineage.add(id);
  const cause = played
    .filter((s) => s.atMs <= finding.since && s.deviceIds.some((id) => lineage.has(id)))
    .at(-1);
  return cause ? { detectSeconds: (finding.since - cause.atMs) / 1000 } : {};
}

function judgeIncidents(checkpoint: Checkpoint, seen: Observation): IncidentOutcome[] {
  const active = seen.incidents.filter((i) => i.state === 'pending' || i.state === 'open');
  const roots = new Set([
    ...checkpoint.incidents.map((e) => e.rootDeviceId),
    ...active.map((i) => i.rootDeviceId),
  ]);
  return [...roots].map((rootDeviceId) => {
    const expected = checkpoint.incidents.find((e) => e.rootDeviceId === rootDeviceId)?.kind;
    const observed = active.find((i) => i.rootDeviceId === rootDeviceId)?.kind;
    return { rootDeviceId, ...(expected ? { expected } : {}), ...(observed ? { observed } : {}) };
  });
}
