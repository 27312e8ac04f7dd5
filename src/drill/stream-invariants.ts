import { setTimeout as sleep } from 'node:timers/promises';
import type { SseEvent } from '../bench/bench-http.js';
import { check, type DrillCheck } from './drill-report.js';
import type { DrillStack } from './drill-stack.js';
import { followConversation, type FollowedStream } from './drill-traffic.js';

interface Followed {
  conversationId: string;
  stream: FollowedStream;
}

interface StreamsUnderTest {
  parentId: string;
  outage: Followed;
  reboots: (Followed & { actionId?: string })[];
}

/** The events of `type` about `id` (an action's or an incident's), counted once per stream id. */
function about(events: readonly SseEvent[], type: string, id: string): number {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type !== type) continue;
    const data = JSON.parse(event.data) as {
      id?: string;
      action?: { id?: string };
      incident?: { id?: string };
    };
    if (data.id === id || data.action?.id === id || data.incident?.id === id) ids.add(event.id);
  }
  return ids.size;
}

/** A conversation's whole stream again, from the first event after it opened: what a reconnect replays. */
async function replay(
  stack: DrillStack,
  followed: Followed,
  done: (events: SseEvent[]) => boolean,
): Promise<SseEvent[]> {
  const firstId = followed.stream.events[0]?.id;
  const again = await followConversation(
    stack,
    followed.conversationId,
    firstId ? previousId(firstId) : '0-0',
  );
  const deadline = Date.now() + 5_000;
  while (!done(again.events) && Date.now() < deadline) await sleep(100);
  again.stream.close();
  return again.events;
}

/** The Redis stream id just before `id` (ms-seq), so a replay from it includes `id` itself. */
function previousId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return Number(seq) > 0 ? `${ms}-${Number(seq) - 1}` : `${Number(ms) - 1}-18446744073709551615`;
}

function merged(...lists: SseEvent[][]): SseEvent[] {
  const byId = new Map<string, SseEvent>();
  for (const list of lists)
    for (const event of list) if (event.id !== '') byId.set(`${event.type} ${event.id}`, event);
  return [...byId.values()];
}

/**
 * After the fault: each conversation's stream, live and replayed from its start, carries its action's
 * start and finish and the outage notice exactly once each (a replay adds nothing twice, a restarted
 * Redis re-announces nothing).
 */
export async function streamInvariants(stack: DrillStack, under: StreamsUnderTest): Promise<DrillCheck[]> {
  const incidentId = `outage:${under.parentId}`;
  const ended = [under.outage, ...under.reboots].filter((f) => f.stream.endedBecause !== undefined).length;
  const problems: string[] = [];
  const missingLive: string[] = [];
  for (const reboot of under.reboots) {
    const replayed = await replay(
      stack,
      reboot,
      (events) => about(events, 'action.finished', reboot.actionId ?? '') > 0,
    );
    const all = merged(reboot.stream.events, replayed);
    const started = about(all, 'action.started', reboot.actionId ?? '');
    const finished = about(all, 'action.finished', reboot.actionId ?? '');
    if (started !== 1 || finished !== 1)
      problems.push(`${reboot.actionId ?? ''}: action.started×${started}, action.finished×${finished}`);
    if (
      !reboot.stream.endedBecause &&
      about(reboot.stream.events, 'action.finished', reboot.actionId ?? '') === 0
    )
      missingLive.push(reboot.actionId ?? '');
  }
  const outageReplay = await replay(
    stack,
    under.outage,
    (events) => about(events, 'incident.opened', incidentId) > 0,
  );
  const notices = about(merged(under.outage.stream.events, outageReplay), 'incident.opened', incidentId);
  for (const f of [under.outage, ...under.reboots]) f.stream.stream.close();
  return [
    check(
      'each conversation carries its action.started and action.finished exactly once (live or replayed)',
      problems.length === 0,
      problems.length === 0 ? `${under.reboots.length} conversations` : problems.join('; '),
    ),
    check(
      'a stream still open after the restart delivers live',
      missingLive.length === 0,
      missingLive.length === 0
        ? `${ended} of ${under.reboots.length + 1} streams ended on the fault`
        : `no live action.finished: ${missingLive.join(', ')}`,
    ),
    check(
      'the outage reaches the open conversation exactly once',
      notices === 1,
      `incident.opened ×${notices}`,
    ),
  ];
}
