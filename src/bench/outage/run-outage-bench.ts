import { startStack, type Stack } from '../conversation/stack.js';
import { longestIntervalSeconds, type OutageBenchOptions } from './outage-bench-options.js';
import type { OutageBenchResult } from './outage-bench-result.js';
import { measureLoss } from './loss-run.js';
import { measureCuts } from './power-cut.js';

/** `vigil sim` (one base station, `cpes` CPEs) and `vigil serve`, traps on or off, in a prefix of their own. */
function stackFor(
  options: OutageBenchOptions,
  traps: boolean,
  say: (line: string) => void,
  parents = 1,
): Promise<Stack> {
  const quick = options.quickIntervalSeconds;
  return startStack({
    parents,
    redisUrl: options.redisUrl,
    probesDir: options.probesDir,
    shippedProbes: quick === undefined,
    traps,
    cpes: options.cpes,
    intervalSeconds: quick ?? longestIntervalSeconds(options),
    settleSeconds: options.settleSeconds,
    pollShards: options.pollShards,
    ...(options.pollSyncEveryMs !== undefined ? { pollSyncEveryMs: options.pollSyncEveryMs } : {}),
    firstOctet: options.firstOctet,
    port: options.port,
    split: false,
    opensPerKeyPerMinute: 6_000,
    say,
  });
}

/** Runs `body` on a fresh stack, stopped (children and Redis prefix) whatever happens, even on Ctrl-C. */
async function withStack<T>(
  options: OutageBenchOptions,
  stackOf: { traps: boolean; parents?: number },
  say: (line: string) => void,
  body: (stack: Stack) => Promise<T>,
): Promise<T> {
  const stack = await stackFor(options, stackOf.traps, say, stackOf.parents);
  const interrupted = (): void => {
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await body(stack);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stack.close();
  }
}

/**
 * `vigil bench outage`: a base station's power cut → the outage notice in a conversation open behind
 * it, by polling alone (the simulator sends no traps) and with traps, several cuts each; then a
 * packet-loss run over the fleet that must open no outage.
 */
export async function runOutageBench(
  options: OutageBenchOptions,
  say: (line: string) => void,
): Promise<OutageBenchResult> {
  const result: OutageBenchResult = {
    setup: {
      cpes: options.cpes,
      parent: '',
      probes:
        options.quickIntervalSeconds === undefined ? 'shipped' : `every ${options.quickIntervalSeconds} s`,
      settle_s: options.settleSeconds,
      runs: options.runs,
      prefixes: [],
    },
  };
  await withStack(options, { traps: false }, say, async (stack) => {
    result.setup.parent = stack.parentId;
    result.setup.prefixes.push(stack.prefix);
    const subscribers = stack.inventory.subscribers.map((s) => s.id);
    say(`1. polling alone (no traps): ${options.runs} power cuts of ${stack.parentId}`);
    result.polling = await measureCuts(stack, subscribers, { ...options, traps: false }, say);
  });
  await withStack(options, { traps: true }, say, async (stack) => {
    result.setup.prefixes.push(stack.prefix);
    await stack.addressesKnown();
    // Other subscribers than the first stack's: a subscriber's conversation opens are rate-limited.
    const subscribers = stack.inventory.subscribers.map((s) => s.id).reverse();
    say(`2. with traps: ${options.runs} power cuts of ${stack.parentId}`);
    result.traps = await measureCuts(stack, subscribers, { ...options, traps: true }, say);
  });
  await withStack(options, { traps: true, parents: options.lossParents }, say, async (stack) => {
    result.setup.prefixes.push(stack.prefix);
    say(
      `3. ${options.lossPercent}% packet loss over ${options.lossParents} parents and their CPEs for ${options.lossIntervals} poll intervals`,
    );
    result.loss = await measureLoss(stack, options, say);
  });
  return result;
}
