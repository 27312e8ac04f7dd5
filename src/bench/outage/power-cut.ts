import { setTimeout as sleep } from 'node:timers/promises';
import type { SseEvent } from '../bench-http.js';
import { openConversation, watch } from '../conversation/conversation-stream.js';
import { latency, round } from '../conversation/latency.js';
import type { Stack } from '../conversation/stack.js';
import { parentIntervalSeconds, type OutageBenchOptions } from './outage-bench-options.js';
import type { CutFigures } from './outage-bench-result.js';

const isNotice = (event: SseEvent): boolean =>
  event.type === 'suggestion.created' && event.data.includes('"kind":"outage_notice"');

/**
 * Least time between two cuts of one parent: the outage check of a parent starts once per 30 s, and a
 * device's trap announcement counts once a minute (src/roles/poller-role.ts); a cut sooner would
 * measure those bounds, not the path.
 */
function spacingMs(traps: boolean): number {
  return (traps ? 61 : 31) * 1000;
}

/** Until the base station answers its polls again (up, or degraded by a finding of its own) and no incident is active. */
async function waitRecovered(stack: Stack, deadline: number): Promise<void> {
  const shard = stack.keys.pollShardOf(stack.parentId);
  for (;;) {
    const [up, degraded, active] = await Promise.all([
      stack.redis.zscore(stack.keys.devicesByStatus('up', shard), stack.parentId),
      stack.redis.zscore(stack.keys.devicesByStatus('degraded', shard), stack.parentId),
      stack.redis.scard(stack.keys.activeIncidents()),
    ]);
    if ((up !== null || degraded !== null) && active === 0) return;
    if (Date.now() > deadline) throw new Error(`${stack.parentId} did not recover after its power came back`);
    await sleep(250);
  }
}

/**
 * One cut: a conversation open for a subscriber behind the base station, its power cut (control API
 * `down`) at a random moment of its poll interval, the seconds until the conversation's stream shows
 * the outage notice; then power back and the outage resolved before the next.
 */
async function cutOnce(
  stack: Stack,
  subscriberId: string,
  options: OutageBenchOptions & { traps: boolean },
  notBefore: number,
): Promise<{ ms: number | null; faultAt: number }> {
  const opened = await openConversation(stack, subscriberId, 'bench-outage');
  const stream = await watch(stack, opened.conversation.id);
  try {
    await stream.waitFor((e) => e.type === 'diagnosis', 30_000);
    // The cut falls anywhere in the base station's poll interval, as a real one does.
    await sleep(Math.max(0, notBefore - Date.now()) + Math.random() * parentIntervalSeconds(options) * 1000);
    const faultAt = Date.now();
    const cut = await stack.control('POST', `/devices/${stack.parentId}/faults`, { kind: 'down' });
    if (cut.status >= 300) throw new Error(`fault on ${stack.parentId}: ${cut.status} ${cut.text}`);
    const deadlineMs = (options.settleSeconds + parentIntervalSeconds(options) * 3 + 60) * 1000;
    const notice = await stream.waitFor(isNotice, deadlineMs);
    await stack.control('DELETE', `/devices/${stack.parentId}/faults`);
    await waitRecovered(stack, Date.now() + 300_000);
    return { ms: notice ? notice.receivedAt - faultAt : null, faultAt };
  } finally {
    stream.close();
    await stack.api('DELETE', `/v1/conversations/${opened.conversation.id}`, 'agent').catch(() => undefined);
  }
}

/** `runs` cuts, each with a conversation of its own subscriber (`subscribers` from `first` on). */
export async function measureCuts(
  stack: Stack,
  subscribers: readonly string[],
  options: OutageBenchOptions & { traps: boolean },
  say: (line: string) => void,
): Promise<CutFigures> {
  const seconds: (number | null)[] = [];
  let notBefore = 0;
  for (let i = 0; i < options.runs; i++) {
    const subscriber = subscribers[i % subscribers.length] as string;
    const { ms, faultAt } = await cutOnce(stack, subscriber, options, notBefore);
    notBefore = faultAt + spacingMs(options.traps);
    seconds.push(ms === null ? null : round(ms / 1000, 1));
    say(
      `  cut ${i + 1}/${options.runs}: ${ms === null ? 'no notice' : `notice after ${(ms / 1000).toFixed(1)} s`}`,
    );
  }
  const notified = seconds.filter((s): s is number => s !== null);
  return { runs: options.runs, notified: notified.length, seconds, latency_s: latency(notified) };
}
