import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationBenchOptions } from './conversation-bench-options.js';
import type { OpenFigures } from './conversation-bench-result.js';
import { isFreshProbe, openConversation, watch, type Opened, type Watch } from './conversation-stream.js';
import { count, latency, round } from './latency.js';
import { sendOpenLoop } from './open-loop.js';
import type { Stack } from './stack.js';

/** What the opens gathered: answer times, errors, and for the sampled ones the fresh probe. */
interface OpenTally {
  latencies: number[];
  /** Those of the opens sent after the first second. */
  steady: number[];
  errors: Record<string, number>;
  fresh: number[];
  outcomes: Record<string, number>;
  sampled: number;
}

/** From the POST's position on, the conversation's stream until its fresh-probe diagnosis. */
async function followFreshProbe(
  stack: Stack,
  opened: Opened,
  sentWall: number,
  tally: OpenTally,
): Promise<void> {
  tally.sampled += 1;
  // From the position the POST returned: a probe that finished before the stream connected is replayed.
  let stream: Watch | undefined;
  try {
    stream = await watch(stack, opened.conversation.id, opened.lastEventId);
    const event = await stream.waitFor(isFreshProbe, 20_000);
    if (!event) return;
    tally.fresh.push(event.receivedAt - sentWall);
    const data = JSON.parse(event.data) as { probes?: { outcome: string }[] };
    for (const probe of data.probes ?? []) count(tally.outcomes, probe.outcome);
  } catch (error) {
    count(tally.errors, `stream: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    stream?.close();
  }
}

/** One open, timed (after the first second also as steady), and for a sample its fresh probe followed. */
async function openAndTally(
  stack: Stack,
  subscribers: readonly string[],
  options: ConversationBenchOptions,
  tally: OpenTally,
  i: number,
): Promise<void> {
  const sent = performance.now();
  const sentWall = Date.now();
  let opened: Opened;
  try {
    opened = await openConversation(
      stack,
      subscribers[i % subscribers.length] as string,
      `bench-agent-${i % 100}`,
    );
  } catch (error) {
    count(tally.errors, error instanceof Error ? error.message : String(error));
    return;
  }
  const took = performance.now() - sent;
  tally.latencies.push(took);
  if (i >= options.rate) tally.steady.push(took);
  if (i % options.sampleEvery === 0) await followFreshProbe(stack, opened, sentWall, tally);
}

/** The service's CPU per second over a quiet stretch (polling and the advisor): what opens add to. */
async function backgroundCpuPerSecond(stack: Stack, seconds: number): Promise<number> {
  const before = stack.serveCpuSeconds();
  await sleep(seconds * 1000);
  return (stack.serveCpuSeconds() - before) / seconds;
}

/** 1. POST /v1/conversations at a fixed rate (open-loop), and for a sample the fresh probe on the stream. */
export async function measureOpens(
  stack: Stack,
  subscribers: readonly string[],
  options: ConversationBenchOptions,
  say: (line: string) => void,
): Promise<OpenFigures> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  if (total > subscribers.length)
    say(`  only ${subscribers.length} subscribers for ${total} opens: some are opened twice`);
  const tally: OpenTally = { latencies: [], steady: [], errors: {}, fresh: [], outcomes: {}, sampled: 0 };
  // Over one poll interval (3 s at most), so the sample holds a whole cycle of the background.
  const idlePerSecond = await backgroundCpuPerSecond(stack, Math.min(3, options.intervalSeconds));
  const cpuBefore = stack.serveCpuSeconds();
  const wallBefore = performance.now();
  const tasks: Promise<void>[] = [];
  const openOne = (i: number) => openAndTally(stack, subscribers, options, tally, i);
  const { sendSeconds, lagMaxMs } = await sendOpenLoop(total, options.rate, (i) => tasks.push(openOne(i)));
  await Promise.all(tasks);
  const cpu = stack.serveCpuSeconds() - cpuBefore;
  const wall = (performance.now() - wallBefore) / 1000;
  return {
    rate: options.rate,
    seconds: options.seconds,
    attempted: total,
    ok: tally.latencies.length,
    errors: tally.errors,
    latency_ms: latency(tally.latencies),
    after_first_second_ms: latency(tally.steady),
    achieved_rate: round(total / Math.max(sendSeconds, 1e-3), 1),
    send_lag_max_ms: round(lagMaxMs, 1),
    fresh_probe: {
      sampled: tally.sampled,
      received: tally.fresh.length,
      latency_ms: latency(tally.fresh),
      outcomes: tally.outcomes,
    },
    serve_cpu_s: round(cpu, 2),
    serve_cpu_idle_per_s: round(idlePerSecond, 2),
    serve_cpu_ms_per_open: round(
      ((cpu - idlePerSecond * wall) * 1000) / Math.max(1, tally.latencies.length),
      2,
    ),
  };
}
