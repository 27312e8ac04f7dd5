import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { check, finishReport, type DrillCheck, type DrillReport } from './drill-report.js';
import type { DrillStack } from './drill-stack.js';
import { withDrillStack, type DrillOptions } from './drill-options.js';
import { floodSources } from './flood-datagrams.js';
import { floodFigures, trapFigures, type FloodRun } from './flood-figures.js';
import { freeUdpPort } from '../platform/free-udp-port.js';
import type { HttpRateJob, HttpRateResult } from './http-rate-worker.js';
import { watchMemory } from './memory-watch.js';
import { openConversation } from './drill-traffic.js';
import { reniceProcess } from '../platform/renice-process.js';
import { processesAlive, lostItems } from './redis-restart-drill.js';
import { runInChild } from './run-in-child.js';
import type { TrapFloodJob, TrapFloodResult } from './trap-flood-worker.js';

const TRAPS_PER_SECOND = 10_000;
const OPENS_PER_SECOND = 1_000;
const PACED_PER_SECOND = 20;
const P99_BOUND_MS = 100;
/**
 * The flood's senders stand in for other machines and run niced (run-in-child.ts) unless the drill is
 * told otherwise (`--sender-nice 0`); the paced client that measures is never niced.
 */
const SENDER_NICE = 10;
/**
 * Pollers and workers as deploy/systemd's units run them (`Nice=10`): the API keeps the cores it needs.
 * Set once the stack is up: its start-up (import, first polls) is not what the flood measures, and stays
 * the same as every other drill's.
 */
const BULK_NICE = 10;
/**
 * The paced client starts this long before the floods, and what it sent meanwhile is not counted: its own
 * process's first requests (new sockets, cold code, three node processes starting on two cores at once)
 * cost it up to 700 ms of its own, which is not the API's time. The flood's onset is measured.
 */
const PACED_WARMUP_MS = 1_000;

/**
 * 10,000 datagrams a second at the trap port (valid linkDowns from real devices and from strangers, a
 * wrong community, garbage) and 1,000 conversation opens a second at the API, at once: a paced client
 * of its own meets p99 < 100 ms on normal reads, the API sheds what it cannot take with 503 problem+json
 * and Retry-After, readiness stays 200, no process grows without bound or dies, and the trap port drops
 * what it cannot handle with a count.
 */
export async function floodsDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = Date.now();
  const durationMs = options.quick ? 15_000 : 60_000;
  const trapPort = await freeUdpPort();
  const senderNice = options.senderNice ?? SENDER_NICE;
  const community = randomBytes(12).toString('base64url');
  // The flood's opens must reach the open path, not the per-key and per-subscriber budgets (429s):
  // those are raised; everything else is as shipped. The drill's community is one more auth profile.
  const serveEnv = {
    VIGIL_TRAP_PORT: String(trapPort),
    VIGIL_SNMP_DRILL_COMMUNITY: community,
    VIGIL_RATE_LIMIT_PER_MINUTE: '10000000',
    VIGIL_CONVERSATION_OPENS_PER_KEY_PER_MINUTE: '10000000',
    VIGIL_CONVERSATION_OPENS_PER_SUBSCRIBER_PER_MINUTE: '1000000',
  };
  return withDrillStack(options, {}, { serveEnv }, async (redis, stack) => {
    niceBulkRoles(stack);
    const paced = await pacedRequests(stack);
    const memory = watchMemory(stack, redis.admin(), 500);
    options.log?.(
      `flooding for ${durationMs / 1000} s: ${TRAPS_PER_SECOND} traps/s at 127.0.0.1:${trapPort}, ${OPENS_PER_SECOND} opens/s at the API`,
    );
    const run = await flood(stack, { trapPort, community, durationMs, paced, senderNice });
    // The counters are written once a second: wait for the last write.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const peaks = memory.stop();
    const metrics = await metricsAfterFlood(stack);
    const figures = {
      ...floodFigures(run, paced),
      ...trapFigures(metrics.status === 200 ? metrics.text : ''),
      senderNice,
      bulkNice: BULK_NICE,
      ...peaks.figures,
      // The machine's one-minute load at the end: on two cores shared with other work, the context.
      machineLoad1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    };
    const checks = [
      ...apiChecks(run, paced),
      ...trapChecks(run.traps, figures, { metricsStatus: metrics.status, receivers: trapReceivers(stack) }),
      ...peaks.checks,
      processesAlive(stack),
    ];
    return finishReport(
      {
        drill: 'floods',
        quick: options.quick,
        fault: `${TRAPS_PER_SECOND} datagrams/s at the trap port and ${OPENS_PER_SECOND} conversation opens/s at the API for ${durationMs / 1000} s`,
        checks,
        recoveryMs: undefined,
        lost: lostItems(checks),
        figures,
      },
      startedAt,
    );
  });
}

/** Every poller and worker, each of its threads (renice-process.ts); the API keeps 0, as do Redis and the simulator. */
function niceBulkRoles(stack: DrillStack): void {
  for (const [name, child] of stack.serve) if (name !== 'api') reniceProcess(child.pid, BULK_NICE);
}

/** The paced client, warmed up, then the trap flood and the open flood (niced) beside it. */
async function flood(
  stack: DrillStack,
  run: {
    trapPort: number;
    community: string;
    durationMs: number;
    paced: HttpRateJob['requests'];
    senderNice: number;
  },
): Promise<FloodRun> {
  const { durationMs } = run;
  const pacedRun = runInChild<HttpRateJob, HttpRateResult>('./http-rate-worker.js', {
    baseUrl: stack.apiUrl,
    requests: run.paced,
    ratePerSecond: PACED_PER_SECOND,
    durationMs: durationMs + PACED_WARMUP_MS,
    maxInFlight: 8,
    timeoutMs: 10_000,
  });
  pacedRun.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
  await new Promise((resolve) => setTimeout(resolve, PACED_WARMUP_MS));
  const [traps, opens, warmPaced] = await Promise.all([
    runInChild<TrapFloodJob, TrapFloodResult>(
      './trap-flood-worker.js',
      {
        sources: trapSources(stack, run.community),
        port: run.trapPort,
        ratePerSecond: TRAPS_PER_SECOND,
        durationMs,
      },
      run.senderNice,
    ),
    runInChild<HttpRateJob, HttpRateResult>(
      './http-rate-worker.js',
      {
        baseUrl: stack.apiUrl,
        requests: stack.inventory.subscribers.map((s) => ({
          method: 'POST',
          path: '/v1/conversations',
          token: stack.token('agent'),
          body: { subscriberId: s.id, channel: 'chat', agentId: 'vigil-drill-flood' },
        })),
        ratePerSecond: OPENS_PER_SECOND,
        durationMs,
        maxInFlight: 256,
        timeoutMs: 10_000,
      },
      run.senderNice,
    ),
    pacedRun,
  ]);
  const paced = {
    ...warmPaced,
    answers: warmPaced.answers.filter((a) => a.at >= PACED_WARMUP_MS),
  };
  return { traps, opens, paced };
}

/** The paced client's mix: a device read and a conversation snapshot (the normal requests), and readiness. */
async function pacedRequests(stack: DrillStack): Promise<HttpRateJob['requests']> {
  const subscriber = stack.inventory.subscribers[0];
  const device = stack.inventory.devices.find((d) => d.kind === 'cpe');
  if (!subscriber || !device) throw new Error('the drill fleet has no subscriber or router');
  const conversation = await openConversation(stack, subscriber.id);
  return [
    { method: 'GET', path: `/v1/devices/${encodeURIComponent(device.id)}`, token: stack.token('noc') },
    { method: 'GET', path: `/v1/conversations/${conversation.conversationId}`, token: stack.token('agent') },
    { method: 'GET', path: '/readyz' },
  ];
}

/** A third of the fleet's routers send real linkDowns (and a wrong community); strangers and garbage from 127.<n>.250.x. */
function trapSources(stack: DrillStack, community: string): TrapFloodJob['sources'] {
  const cpes = stack.inventory.devices.filter((d) => d.kind === 'cpe');
  const devices = cpes.filter((_, i) => i % 3 === 0).map((d) => d.host);
  const [, octet = '190'] = (cpes[0]?.host ?? '127.190.0.1').split('.');
  const strangers = Array.from({ length: 16 }, (_, i) => `127.${octet}.250.${i + 1}`);
  return floodSources({ devices, strangers, community });
}

function apiChecks(run: FloodRun, paced: HttpRateJob['requests']): DrillCheck[] {
  const normal = run.paced.answers.filter((a) => paced[a.kind]?.path !== '/readyz');
  const ready = run.paced.answers.filter((a) => paced[a.kind]?.path === '/readyz');
  const times = normal.map((a) => a.ms).sort((a, b) => a - b);
  const p99 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)] ?? Infinity;
  const notOk = normal.filter((a) => a.status !== 200);
  const shed = run.opens.answers.filter((a) => a.status === 503);
  const badShed = shed.filter((a) => a.shedWell !== true);
  const failed = run.opens.answers.filter((a) => a.status === 0 || (a.status >= 500 && a.status !== 503));
  return [
    check(
      `a paced client's normal reads (a device, a conversation snapshot) answer with p99 < ${P99_BOUND_MS} ms`,
      p99 < P99_BOUND_MS && normal.length > 0,
      `p99 ${Math.round(p99)} ms over ${normal.length} reads, max ${Math.round(times.at(-1) ?? 0)} ms`,
    ),
    check(
      'and every one of them is served (200)',
      notOk.length === 0,
      notOk.length === 0
        ? `${normal.length}/${normal.length}`
        : `${notOk.length} not 200 (${[...new Set(notOk.map((a) => a.status))].join(', ')})`,
    ),
    check(
      'readiness answers 200 throughout',
      ready.length > 0 && ready.every((a) => a.status === 200),
      `${ready.filter((a) => a.status === 200).length}/${ready.length}`,
    ),
    check(
      'opens the API cannot take are shed with 503 problem+json and Retry-After',
      badShed.length === 0,
      `${shed.length} shed of ${run.opens.answers.length}, ${badShed.length} without problem+json or Retry-After`,
    ),
    check(
      'no open fails otherwise (no timeout, no 500)',
      failed.length === 0,
      `${failed.length} failed (${[...new Set(failed.map((a) => a.status))].join(', ') || 'none'})`,
    ),
  ];
}

/** GET /metrics, asked again while it does not answer 200 (a read the just-flooded API may still be slow on). */
async function metricsAfterFlood(stack: DrillStack): Promise<{ status: number; text: string }> {
  let answer = await stack.api('GET', '/metrics', 'noc');
  for (let tries = 1; tries < 5 && answer.status !== 200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    answer = await stack.api('GET', '/metrics', 'noc');
  }
  return answer;
}

/** The pollers whose trap receiver started: the others logged that the port was taken (one binds it). */
function trapReceivers(stack: DrillStack): string[] {
  return [...stack.serve]
    .filter(([name]) => name.startsWith('poller-'))
    .filter(([, child]) => child.logged(/^trap receiver not started$/).length === 0)
    .map(([name]) => name);
}

function trapChecks(
  traps: TrapFloodResult,
  figures: Record<string, number>,
  seen: { metricsStatus: number; receivers: string[] },
): DrillCheck[] {
  const counted = (figures.trapsCountedKnown ?? 0) + (figures.trapsCountedUnknown ?? 0);
  const dropped = figures.trapsRejected ?? 0;
  // Each cause of "nothing counted" named, so a failure says which: no receiver, or no counters read.
  const why =
    seen.receivers.length === 0
      ? 'no poller bound the trap port (each logged "trap receiver not started")'
      : seen.metricsStatus !== 200
        ? `GET /metrics answered ${seen.metricsStatus}, so nothing could be read`
        : `received by ${seen.receivers.join(', ')}`;
  return [
    check(
      'the trap port counts what it drops: every datagram sent is counted or left in the kernel',
      counted + dropped <= traps.sent && counted + dropped > 0,
      `${traps.sent} sent, ${counted} counted as traps, ${dropped} counted as rejected (${figures.trapsOverloaded ?? 0} overloaded), ${Math.max(0, traps.sent - counted - dropped)} dropped by the kernel; ${why}`,
    ),
  ];
}
