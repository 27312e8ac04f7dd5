import { subtreeOf, type FleetIndex } from './eval-fleet.js';
import type { EvalScenario } from './eval-scenario.js';
import type { PlayedStep, SeenIncident, SeenSuggestion } from './observation.js';

export interface RunVerdict {
  /** Outages Vigil announced (open, or resolved after opening) at a root no checkpoint expects. */
  falseOutages: string[];
  /** Remote reboots and technician visits proposed to a device while an outage covered it. */
  suggestedInsideOutage: string[];
  violations: string[];
}

interface Window {
  rootDeviceId: string;
  fromMs: number;
  untilMs: number;
  why: string;
}

/**
 * The verdicts that hold over the whole run, not at one checkpoint (pure): every incident and every
 * suggestion seen while it ran. An outage is both what the timeline did (a parent down, from the step
 * until it was lifted) and what Vigil said (an incident, from its first sign until resolved): a reboot
 * or a visit proposed inside either is wrong, the first because the router is not at fault, the second
 * because Vigil itself said so.
 */
export function judgeRun(
  scenario: EvalScenario,
  fleet: FleetIndex,
  seen: { incidents: readonly SeenIncident[]; suggestions: readonly SeenSuggestion[] },
  played: readonly PlayedStep[],
  endMs: number,
): RunVerdict {
  const expectedRoots = new Set(scenario.checkpoints.flatMap((c) => c.incidents.map((i) => i.rootDeviceId)));
  const falseOutages = seen.incidents
    .filter((i) => i.state !== 'pending' && !expectedRoots.has(i.rootDeviceId))
    .map((i) => i.id);
  const windows = outageWindows(fleet, seen.incidents, played, endMs);
  const inside: string[] = [];
  const violations = falseOutages.map((id) => `false outage: ${id} was announced`);
  for (const s of seen.suggestions) {
    if (s.kind !== 'remote_reboot' && s.kind !== 'technician_visit') continue;
    const window = windows.find(
      (w) =>
        s.createdAt >= w.fromMs &&
        s.createdAt < w.untilMs &&
        subtreeOf(fleet, w.rootDeviceId).includes(s.deviceId),
    );
    if (!window) continue;
    inside.push(s.id);
    violations.push(`${s.kind} ${s.id} proposed inside ${window.why}`);
  }
  return { falseOutages, suggestedInsideOutage: inside, violations };
}

function outageWindows(
  fleet: FleetIndex,
  incidents: readonly SeenIncident[],
  played: readonly PlayedStep[],
  endMs: number,
): Window[] {
  const windows: Window[] = incidents.map((i) => ({
    rootDeviceId: i.rootDeviceId,
    fromMs: i.openedAt,
    untilMs: i.resolvedAt ?? endMs,
    why: `Vigil's own ${i.kind} ${i.id}`,
  }));
  for (const step of played) {
    if (!step.down) continue;
    for (const rootDeviceId of step.deviceIds) {
      if (!fleet.childrenOf.has(rootDeviceId)) continue;
      windows.push({
        rootDeviceId,
        fromMs: step.atMs,
        untilMs: step.down.untilMs ?? endMs,
        why: `the outage of ${rootDeviceId} (timeline line ${step.line})`,
      });
    }
  }
  return windows;
}
