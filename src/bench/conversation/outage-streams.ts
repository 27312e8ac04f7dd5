import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { PROBE_QUEUE } from '../../platform/queue-names.js';
import { openSse, type SseEvent, type SseStream } from '../bench-http.js';
import { runPool } from '../run-pool.js';
import { isFreshProbe, openConversation } from './conversation-stream.js';
import { count } from './latency.js';
import type { Stack } from './stack.js';

/** One conversation's stream through the outage: what it has seen, and when. */
export interface OutageStream {
  stream?: SseStream;
  snapshot: boolean;
  fresh: boolean;
  openedAt?: number;
  updated: number;
  noticeAt?: number;
  cut: boolean;
  bytesAtFault: number;
}

/** Marks on `s` what `event` tells about the outage; `faultAt()` is when the base station went down. */
function onOutageEvent(s: OutageStream, event: SseEvent, faultAt: () => number): void {
  switch (event.type) {
    case 'diagnosis':
      s.snapshot = true;
      if (isFreshProbe(event)) s.fresh = true;
      break;
    case 'incident.opened': {
      // streamData puts `at` first: no need to parse a payload that lists every affected device.
      const at = /^\{"at":"([^"]+)"/.exec(event.data)?.[1];
      if (at !== undefined && event.receivedAt >= faultAt()) s.openedAt ??= Date.parse(at);
      break;
    }
    case 'incident.updated':
      if (event.receivedAt >= faultAt()) s.updated += 1;
      break;
    case 'suggestion.created':
      if (s.noticeAt === undefined && event.data.includes('"kind":"outage_notice"'))
        s.noticeAt = event.receivedAt;
      break;
    default:
      break;
  }
}

/** A conversation for each subscriber, each with its stream open from the snapshot (32 opens at a time). */
export async function openOutageStreams(
  stack: Stack,
  subscribers: readonly string[],
  faultAt: () => number,
): Promise<{ streams: OutageStream[]; openErrors: Record<string, number> }> {
  const streams: OutageStream[] = [];
  const openErrors: Record<string, number> = {};
  await runPool(subscribers, 32, async (subscriberId) => {
    const s: OutageStream = { snapshot: false, fresh: false, updated: 0, cut: false, bytesAtFault: 0 };
    try {
      const opened = await openConversation(stack, subscriberId, `bench-outage-${streams.length % 100}`);
      // No Last-Event-ID: the stream starts with the snapshot, which says it is live.
      s.stream = await openSse(
        `${stack.url}/v1/conversations/${opened.conversation.id}/events`,
        stack.agentHeaders,
        (event) => onOutageEvent(s, event, faultAt),
        (reason) => {
          if (reason !== 'closed by the bench') s.cut = true;
        },
      );
      if (s.stream.status !== 200) throw new Error(`stream: HTTP ${s.stream.status}`);
      streams.push(s);
    } catch (error) {
      count(openErrors, error instanceof Error ? error.message : String(error));
    }
  });
  return { streams, openErrors };
}

/** Every stream live (its snapshot in), and the fresh probes of the opens done (the probe queue drained). */
export async function waitStreamsSettled(stack: Stack, streams: readonly OutageStream[]): Promise<void> {
  const settleDeadline = Date.now() + 120_000;
  while (Date.now() < settleDeadline && streams.some((s) => !s.snapshot && !s.cut)) await sleep(200);
  const probes = new Queue(PROBE_QUEUE, {
    connection: stack.redis,
    prefix: stack.keys.bullPrefix(PROBE_QUEUE),
  });
  try {
    for (;;) {
      const counts = await probes.getJobCounts('wait', 'active', 'prioritized', 'delayed');
      if (Object.values(counts).every((n) => n === 0) || Date.now() > settleDeadline) break;
      await sleep(200);
    }
  } finally {
    await probes.close();
  }
}
