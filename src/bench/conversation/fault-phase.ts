import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationBenchOptions } from './conversation-bench-options.js';
import type { FaultPathFigures } from './conversation-bench-result.js';
import { isFreshProbe, openConversation, watch } from './conversation-stream.js';
import { faultBreakdown, trapCounts, type FaultTimeline } from './fault-timeline.js';
import { count, latency } from './latency.js';
import type { Stack } from './stack.js';

export type Fault = Record<string, unknown> & { kind: string };

interface FaultTally {
  latencies: number[];
  kinds: Record<string, number>;
  timeline: FaultTimeline;
}

/** One repeat: the CPE's conversation and stream open, the fault in, until its suggestion arrives. */
async function injectAndWait(
  stack: Stack,
  subscriberId: string,
  deviceId: string,
  i: number,
  fault: Fault,
  timeoutMs: number,
  tally: FaultTally,
): Promise<void> {
  const opened = await openConversation(stack, subscriberId, `bench-fault-${i}`);
  const stream = await watch(stack, opened.conversation.id, opened.lastEventId);
  try {
    // The conversation's own fresh probe first, so it is not what finds the fault.
    await stream.waitFor(isFreshProbe, 20_000);
    const injected = Date.now();
    tally.timeline.set(deviceId, { injected });
    const answer = await stack.control('POST', `/devices/${deviceId}/faults`, fault);
    if (answer.status >= 300) throw new Error(`fault on ${deviceId}: ${answer.status} ${answer.text}`);
    const created = await stream.waitFor(
      (e) => e.type === 'suggestion.created' && e.data.includes(`"deviceId":"${deviceId}"`),
      timeoutMs,
    );
    if (created) {
      tally.latencies.push(created.receivedAt - injected);
      tally.timeline.set(deviceId, { injected, received: created.receivedAt });
      count(tally.kinds, (JSON.parse(created.data) as { kind: string }).kind);
    }
  } finally {
    stream.close();
    await stack.control('DELETE', `/devices/${deviceId}/faults`);
  }
}

/**
 * 2. A fault on a CPE whose conversation has its stream open: from the control-API POST to the
 * `suggestion.created` for that CPE on the stream. The repeats start spread over one poll interval
 * (each on its own CPE), so they meet the poll schedule at every phase.
 */
export async function measureFaultPath(
  stack: Stack,
  deviceOf: ReadonlyMap<string, string>,
  subscribers: readonly string[],
  fault: Fault,
  options: ConversationBenchOptions,
): Promise<FaultPathFigures> {
  const n = Math.min(options.faultRepeats, subscribers.length);
  const spreadMs = (options.intervalSeconds * 1000) / n;
  const timeoutMs = (options.intervalSeconds * 4 + 30) * 1000;
  const tally: FaultTally = { latencies: [], kinds: {}, timeline: new Map() };
  const trapsBefore = await trapCounts(stack);
  await Promise.all(
    subscribers.slice(0, n).map(async (subscriberId, i) => {
      await sleep(Math.round(i * spreadMs));
      const deviceId = deviceOf.get(subscriberId) as string;
      await injectAndWait(stack, subscriberId, deviceId, i, fault, timeoutMs, tally);
    }),
  );
  const barMs = options.intervalSeconds * 1000 + 1000;
  await sleep(500);
  const trapsAfter = await trapCounts(stack);
  return {
    fault: fault.kind,
    repeats: n,
    received: tally.latencies.length,
    latency_ms: latency(tally.latencies),
    suggestion_kinds: tally.kinds,
    interval_s: options.intervalSeconds,
    bar_ms: barMs,
    within_bar: tally.latencies.filter((ms) => ms <= barMs).length,
    traps_sent: trapsAfter.sent - trapsBefore.sent,
    traps_received: trapsAfter.received - trapsBefore.received,
    ...(await faultBreakdown(stack, tally.timeline)),
  };
}
