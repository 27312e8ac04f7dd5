import { freemem, loadavg, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { latency, round } from '../conversation/latency.js';
import type { FleetBenchOptions, FleetBenchResult, OpensFigures } from './fleet-bench-options.js';
import { sampleSubscribers } from './fleet-opens.js';
import { measureOpensApart } from './opens-thread.js';
import {
  countsSince,
  oldestOverdueSeconds,
  pollCounts,
  readMasters,
  total,
  usedMbOf,
  type MasterReading,
} from './fleet-readings.js';
import { cardOverPollShards } from '../../platform/poll-shard-reads.js';
import { startFleetStack, stopOnSignal, type FleetStack } from './fleet-stack.js';
import { createPollTracker, type PollTracker } from './poll-tracker.js';
import { processUsage, type ProcessUsage } from './process-usage.js';
import { machineCores, readRoles, usageBetween } from './role-usage.js';

const loads = (): number[] => loadavg().map((l) => round(l, 2));

/**
 * The first cycle (table walks included): until every device has answered once, or one and a half
 * intervals have passed (every device had its slot; one that never answers is the figures' to show).
 */
async function firstCycle(
  stack: FleetStack,
  options: FleetBenchOptions,
  say: (l: string) => void,
): Promise<{ seconds: number; answered: number }> {
  const started = performance.now();
  const deadline = started + options.intervalSeconds * 1500;
  let said = started;
  for (;;) {
    const answered = await cardOverPollShards(stack.redis, stack.keys, (shard) =>
      stack.keys.devicesAnsweredAt(shard),
    );
    const seconds = (performance.now() - started) / 1000;
    if (answered >= options.devices || performance.now() > deadline) {
      say(`first cycle: ${answered} of ${options.devices} devices answered in ${seconds.toFixed(1)} s`);
      return { seconds, answered };
    }
    if (performance.now() - said > 30_000) {
      said = performance.now();
      say(`  first cycle: ${answered} of ${options.devices} answered after ${seconds.toFixed(0)} s`);
    }
    await sleep(1_000);
  }
}

/** Reads the answers every second until `untilMs`: a device's next answer replaces its last one. */
async function followUntil(tracker: PollTracker, untilMs: number): Promise<void> {
  while (Date.now() < untilMs) {
    await sleep(1_000);
    await tracker.read();
  }
}

/** The measured cycles: answers followed, the schedule's oldest due device sampled, opens in the middle. */
async function measureCycles(
  stack: FleetStack,
  tracker: PollTracker,
  options: FleetBenchOptions,
  say: (l: string) => void,
): Promise<{ overdueMax: number; opens: OpensFigures }> {
  const windowMs = options.intervalSeconds * options.cycles * 1000;
  const startMs = Date.now();
  const subscribers = await sampleSubscribers(
    stack.redis,
    stack.keys,
    options.opensRate * options.opensSeconds,
  );
  const opensDelayMs = Math.max(0, (windowMs - options.opensSeconds * 1000) / 2);
  const opens = sleep(opensDelayMs).then(async () => {
    say(`opening ${options.opensRate * options.opensSeconds} conversations at ${options.opensRate}/s`);
    const from = Date.now();
    const figures = await measureOpensApart({
      apiUrl: stack.apiUrl,
      headers: stack.agentHeaders,
      subscribers,
      options: { rate: options.opensRate, seconds: options.opensSeconds },
    });
    // The API's log lines come through a pipe: a moment for the last ones.
    await sleep(1_000);
    return { ...figures, api_response_ms: latency(stack.api.responseTimesMs(from, Date.now())) };
  });
  let overdueMax = 0;
  let lastSaid = Date.now();
  while (Date.now() < startMs + windowMs) {
    await sleep(1_000);
    overdueMax = Math.max(overdueMax, await oldestOverdueSeconds(stack.redis, stack.keys));
    await tracker.read();
    if (Date.now() - lastSaid >= 30_000) {
      lastSaid = Date.now();
      const lags = latency(Array.from(tracker.lagsSeconds()));
      say(
        `  ${Math.round((Date.now() - startMs) / 1000)} s: lag p50 ${lags.p50} s, p99 ${lags.p99} s (${lags.n} polls)`,
      );
    }
  }
  return { overdueMax, opens: await opens };
}

const machine = (loadStart: number[]): FleetBenchResult['machine'] => ({
  cores: machineCores(),
  load_start: loadStart,
  load_end: loads(),
  mem_total_mb: Math.round(totalmem() / 2 ** 20),
  mem_free_mb_end: Math.round(freemem() / 2 ** 20),
});

/** The polling figures of the measured cycles. */
function figures(
  tracker: PollTracker,
  options: FleetBenchOptions,
  m: { seconds: number; outcomes: Record<string, number>; overdueMax: number; opens: OpensFigures },
) {
  const polledPerCycle = tracker.polledPerCycle();
  return {
    devices: options.devices,
    interval_s: options.intervalSeconds,
    cycles: options.cycles,
    schedule_lag_s: latency(Array.from(tracker.lagsSeconds())),
    out_of_slot_answers: tracker.outOfSlotAnswers(),
    overdue_max_s: round(m.overdueMax, 1),
    polls_per_s: round(total(m.outcomes) / m.seconds, 1),
    polls_needed_per_s: round(options.devices / options.intervalSeconds, 1),
    poll_outcomes: m.outcomes,
    devices_polled_per_cycle: polledPerCycle,
    every_device_polled: polledPerCycle.every((n) => n === options.devices),
    opens: m.opens,
    measured_s: round(m.seconds, 1),
  };
}

/** Redis over all its masters, and each master: memory, the share of a core, commands a second. */
function redisFigures(
  readings: { afterImport: MasterReading[]; before: MasterReading[]; after: MasterReading[] },
  cpu: { before: ProcessUsage[]; after: ProcessUsage[] },
  seconds: number,
): FleetBenchResult['redis'] {
  const masters = readings.after.map((end, i) => ({
    port: end.port,
    used_mb_after_import: Math.round(readings.afterImport[i]?.usedMb ?? 0),
    used_mb_steady: Math.round(end.usedMb),
    rss_mb: Math.round(cpu.after[i]?.rssMb ?? 0),
    cores: round(((cpu.after[i]?.cpuS ?? 0) - (cpu.before[i]?.cpuS ?? 0)) / seconds, 2),
    commands_per_s: Math.round((end.commands - (readings.before[i]?.commands ?? 0)) / seconds),
  }));
  return {
    used_mb_after_import: Math.round(usedMbOf(readings.afterImport)),
    used_mb_steady: Math.round(usedMbOf(readings.after)),
    rss_mb: masters.reduce((sum, m) => sum + m.rss_mb, 0),
    masters,
  };
}

/**
 * `vigil bench fleet`: the simulator and `vigil serve` split by role on this machine, over a private
 * Redis; after the first full cycle, `cycles` intervals measured: how late each device's poll was
 * against its slot, polls a second, each role's CPU and memory, Redis memory, and open → snapshot.
 */
export async function runFleetBench(
  options: FleetBenchOptions,
  say: (line: string) => void,
): Promise<FleetBenchResult> {
  const loadStart = loads();
  const stack = await startFleetStack(options, say);
  const interrupted = stopOnSignal(() => stack.close());
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  try {
    const afterImport = await readMasters(stack.masters);
    const first = await firstCycle(stack, options, say);
    const intervalMs = options.intervalSeconds * 1000;
    const tracker = await createPollTracker(stack.redis, stack.keys, {
      startMs: Date.now(),
      intervalMs,
      cycles: options.cycles,
    });
    const countsBefore = await pollCounts(stack.redis, stack.keys);
    const rolesBefore = readRoles(stack);
    const mastersBefore = await readMasters(stack.masters);
    const mastersCpuBefore = stack.redisServer.masters.map((m) => processUsage(m.pid));
    const started = performance.now();
    say(`measuring ${options.cycles} cycles of ${options.intervalSeconds} s`);
    const { overdueMax, opens } = await measureCycles(stack, tracker, options, say);
    const seconds = (performance.now() - started) / 1000;
    const rolesAfter = readRoles(stack);
    const mastersAfter = await readMasters(stack.masters);
    const mastersCpuAfter = stack.redisServer.masters.map((m) => processUsage(m.pid));
    const outcomes = countsSince(countsBefore, await pollCounts(stack.redis, stack.keys));
    // The last slots' answers come a lag after the window, and reach Redis with their batch.
    await followUntil(tracker, Date.now() + Math.min(options.intervalSeconds, 60) * 1000 + 2_000);
    return {
      ...figures(tracker, options, { seconds, outcomes, overdueMax, opens }),
      machine: machine(loadStart),
      setup: {
        sim_start_s: round(stack.simStartSeconds, 1),
        sim_processes: rolesAfter[0]?.processes ?? 0,
        import_s: round(stack.importSeconds, 1),
        first_cycle_s: round(first.seconds, 1),
        first_cycle_answered: first.answered,
      },
      roles: usageBetween(rolesBefore, rolesAfter, seconds),
      redis: redisFigures(
        { afterImport, before: mastersBefore, after: mastersAfter },
        { before: mastersCpuBefore, after: mastersCpuAfter },
        seconds,
      ),
    };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stack.close();
  }
}
