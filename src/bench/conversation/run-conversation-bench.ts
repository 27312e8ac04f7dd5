import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationBenchOptions } from './conversation-bench-options.js';
import type { ConversationBenchResult } from './conversation-bench-result.js';
import { measureFaultPath } from './fault-phase.js';
import { formatFault, formatOpen } from './format-conversation-bench.js';
import { count, round } from './latency.js';
import { measureOpens } from './open-phase.js';
import { measureOutage } from './outage-phase.js';
import { startStack, type Stack } from './stack.js';

/** The run's fleet and service, and each serve process's spawn time (to cut a CPU profile). */
function setupResult(stack: Stack, options: ConversationBenchOptions): ConversationBenchResult {
  const { inventory } = stack;
  return {
    setup: {
      prefix: stack.prefix,
      devices: inventory.devices.length,
      cpes: inventory.devices.length - 1,
      parent: stack.parentId,
      interval_s: options.intervalSeconds,
      settle_s: options.settleSeconds,
      poll_shards: options.pollShards,
      processes: options.split ? ['api', 'poller,worker'] : ['api,poller,worker'],
      first_poll_cycle_s: round(stack.firstCycleSeconds, 1),
      sim_start_ms: Number(stack.sim.ready.startMs),
    },
    windows: Object.fromEntries(
      stack.serve.map((child, i) => [`serve_${i}_spawned`, [child.spawnedAt, child.spawnedAt]]),
    ),
    service_warnings: {},
    serve_rss_mb: [],
  };
}

/** The phases asked for, in order, into `result`; each takes subscribers no earlier phase used. */
async function runPhases(
  stack: Stack,
  result: ConversationBenchResult,
  options: ConversationBenchOptions,
  say: (line: string) => void,
): Promise<void> {
  const deviceOf = new Map(stack.inventory.subscribers.map((s) => [s.id, s.deviceIds[0] as string]));
  const all = stack.inventory.subscribers.map((s) => s.id);
  let used = 0;
  // Wrapping round when the fleet is too small.
  const take = (n: number): string[] => {
    const out = Array.from({ length: n }, (_, i) => all[(used + i) % all.length] as string);
    used += n;
    return out;
  };
  const timed = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await run();
    } finally {
      result.windows[phase] = [start, Date.now()];
    }
  };
  if (options.phases.includes('open')) {
    say(`1. opening ${Math.round(options.rate * options.seconds)} conversations at ${options.rate}/s`);
    const subscribers = take(Math.round(options.rate * options.seconds));
    result.open = await timed('open', () => measureOpens(stack, subscribers, options, say));
    say(`  ${formatOpen(result.open)}`);
    // The sampled streams' last probes finish before the faults; 2 s, or one poll interval if shorter.
    await sleep(Math.min(2, options.intervalSeconds) * 1000);
  }
  if (options.phases.includes('faults')) {
    await stack.addressesKnown();
    say(`2. trap path: wan_down on ${options.faultRepeats} CPEs`);
    const trapSubscribers = take(options.faultRepeats);
    result.trap_path = await timed('trap_path', () =>
      measureFaultPath(stack, deviceOf, trapSubscribers, { kind: 'wan_down' }, options),
    );
    say(`  ${formatFault(result.trap_path)}`);
    say(`   poll path: stale_uptime on ${options.faultRepeats} CPEs`);
    const pollSubscribers = take(options.faultRepeats);
    result.poll_path = await timed('poll_path', () =>
      measureFaultPath(stack, deviceOf, pollSubscribers, { kind: 'stale_uptime', days: 41 }, options),
    );
    say(`  ${formatFault(result.poll_path)}`);
  }
  if (options.phases.includes('outage')) {
    say(`3. outage: ${options.open} conversations open with streams, ${stack.parentId} goes down`);
    const outageSubscribers = take(options.open);
    result.outage = await timed('outage', () => measureOutage(stack, outageSubscribers, options, say));
  }
}

/**
 * `vigil bench conversations`: the console's three figures through the public HTTP API of `vigil serve`
 * over `vigil sim`, each a process of its own, in a Redis prefix of its own (deleted at the end).
 */
export async function runConversationBench(
  options: ConversationBenchOptions,
  say: (line: string) => void,
): Promise<ConversationBenchResult> {
  const stack = await startStack({
    ...options,
    cpes: options.outageSubscribers,
    // One key opens them all: its bound must not be what the bench measures.
    opensPerKeyPerMinute: Math.max(6_000, options.rate * 120),
    say,
  });
  // Interrupted: the children stop and the Redis prefix goes all the same.
  const interrupted = (): void => {
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const result = setupResult(stack, options);
    await runPhases(stack, result, options, say);
    for (const child of stack.serve)
      for (const record of child.logged(/./)) {
        const err = (record.err as { message?: string } | undefined)?.message;
        count(result.service_warnings, `${String(record.msg)}${err ? ` (${err.slice(0, 120)})` : ''}`);
      }
    result.serve_rss_mb = stack.serve.map((child) => child.rssMb());
    return result;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stack.close();
  }
}
