import type { Condition, DetectorContext, Judgement, SubjectRef } from './detector.js';
import { formatCount, formatWindow } from './format-evidence.js';
import { interfaceLabel, interfaceTable } from './interface-status.js';

const KINDS = ['flapping'] as const;

const REACHABILITY = 'reachability';

function describe(ctx: DetectorContext, key: string): string {
  if (key === REACHABILITY) return 'reachability';
  const ifIndex = key.slice('interfaces.'.length);
  const row = interfaceTable(ctx.sample)?.[ifIndex];
  return `interface ${row ? interfaceLabel(ifIndex, row) : `ifIndex ${ifIndex}`}`;
}

/**
 * flapping (minor): reachability (debounced by the unreachable thresholds, so single lost packets do
 * not count) or an interface's oper status (IF-MIB ifOperStatus) changed at least flapChanges times
 * inside flapWindowSeconds. Subject: the transition key ("reachability", "interfaces.<ifIndex>").
 * A flapping link hurts more than a dead one — sessions drop again and again — and no single
 * down/up finding shows it. Interface keys are unknown when the poll brought no interface table.
 */
export function detectFlapping(ctx: DetectorContext): Judgement {
  const { flapChanges, flapWindowSeconds } = ctx.probe.thresholds;
  const since = ctx.now - flapWindowSeconds * 1000;
  const interfacesKnown = interfaceTable(ctx.sample) !== undefined;
  const present: Condition[] = [];
  for (const [key, times] of Object.entries(ctx.state.transitions)) {
    const changes = times.filter((t) => t > since).length;
    if (changes < flapChanges || (key !== REACHABILITY && !interfacesKnown)) continue;
    const what = describe(ctx, key);
    present.push({
      kind: 'flapping',
      subject: key,
      severity: 'minor',
      evidence: {
        summary: `${what} changed ${formatCount(changes)} times in ${formatWindow(flapWindowSeconds)}`,
        values: { key, changes, windowSeconds: flapWindowSeconds },
      },
      significant: { value: 'changes', absolute: 2 },
    });
  }
  const unknown = (ref: SubjectRef): boolean => ref.subject !== REACHABILITY && !interfacesKnown;
  return { kinds: KINDS, present, unknown };
}
