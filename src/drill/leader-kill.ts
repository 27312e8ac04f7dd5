import type { SseEvent } from '../bench/bench-http.js';
import { check, type DrillCheck } from './drill-report.js';
import type { DrillStack } from './drill-stack.js';
import { expectOk, waitFor } from './drill-observe.js';
import type { FollowedStream } from './drill-traffic.js';
import { firstDeath, loggedAt } from './process-deaths.js';

/** The advisor's lead taken by a standby within this of the leader's death (issue 14). */
export const TAKEOVER_BOUND_MS = 10_000;

export interface LeaderKillResult {
  checks: DrillCheck[];
  figures: Record<string, number>;
  /** The killed leader, for the drill to restart as a supervisor would. */
  killed?: string;
}

/** outage_notice suggestions created in a stream (each stream id once). */
function noticesIn(events: readonly SseEvent[]): number {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type !== 'suggestion.created') continue;
    const data = JSON.parse(event.data) as { kind?: string };
    if (data.kind === 'outage_notice') ids.add(event.id);
  }
  return ids.size;
}

/**
 * The parent's power cut with `advisor:mid-step@outage:<parent>` armed in both workers: the leader dies
 * in the step that opens the outage, after saving and announcing the incident and before planning the
 * notices. The standby's takeover is timed from the death to its own "advising (leader)" line, and the
 * notice must still reach the open conversation (once: the new leader re-plans, never re-announces).
 */
export async function killAdvisorLeader(
  stack: DrillStack,
  under: { parentId: string; outage: { stream: FollowedStream } },
  options: { workers: readonly string[]; timeoutMs: number; log?: (line: string) => void },
): Promise<LeaderKillResult> {
  const cut = await stack.control('POST', `/devices/${encodeURIComponent(under.parentId)}/faults`, {
    kind: 'down',
  });
  expectOk(cut, `cut ${under.parentId}`);
  const cutAt = Date.now();
  const death = await firstDeath(stack, options.workers, options.timeoutMs);
  if (!death)
    return {
      checks: [
        check('the advisor leader was killed mid-step', false, 'no worker died: the failpoint never fired'),
      ],
      figures: {},
    };
  options.log?.(
    `advisor leader ${death.name} killed mid-step ${Math.round((death.at - cutAt) / 1000)} s after the cut`,
  );
  const survivor = options.workers.find((name) => name !== death.name) ?? '';
  const tookOver = await loggedAt(stack, survivor, 'advising (leader)', TAKEOVER_BOUND_MS * 3);
  const takeoverMs = tookOver === undefined ? undefined : Math.max(0, tookOver - death.at);
  const noticeAt = await waitFor(
    () => Promise.resolve(noticesIn(under.outage.stream.events) > 0 ? Date.now() : undefined),
    options.timeoutMs,
    100,
  );
  const noticeMs = noticeAt === undefined ? undefined : noticeAt - death.at;
  return {
    killed: death.name,
    checks: [
      check(
        'the advisor leader was killed mid-step (incident saved, notices not planned)',
        true,
        `${death.name}`,
      ),
      check(
        `a standby worker takes the advisor's lead within ${TAKEOVER_BOUND_MS / 1000} s of the leader's death`,
        takeoverMs !== undefined && takeoverMs <= TAKEOVER_BOUND_MS,
        takeoverMs === undefined ? `${survivor} never led` : `${survivor} after ${takeoverMs} ms`,
      ),
      check(
        "the outage notice reaches the open conversation after the leader's death",
        noticeMs !== undefined,
        noticeMs === undefined ? 'never' : `${noticeMs} ms after the death`,
      ),
    ],
    figures: {
      leaderKilledAfterCutMs: death.at - cutAt,
      ...(takeoverMs !== undefined ? { takeoverMs } : {}),
      ...(noticeMs !== undefined ? { noticeAfterDeathMs: noticeMs } : {}),
    },
  };
}

/** At the drill's end: the notice suggestion created once in the outage conversation, live or replayed. */
export function noticeOnce(events: readonly SseEvent[]): DrillCheck {
  const count = noticesIn(events);
  return check('the outage notice suggestion is created once in the conversation', count === 1, `×${count}`);
}
