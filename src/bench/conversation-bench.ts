import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { PROBE_QUEUE } from '../platform/queue-names.js';
import { createScheduleStore } from '../polling/schedule-store.js';
import { openSse, type SseEvent, type SseStream } from './bench-http.js';
import { startStack, type Stack } from './conversation-bench-stack.js';
import { BENCH_PHASES, type BenchPhase } from './bench-phases.js';

export { BENCH_PHASES, type BenchPhase };

export interface ConversationBenchOptions {
  redisUrl: string;
  probesDir: string;
  /** Conversations opened per second, open-loop. */
  rate: number;
  seconds: number;
  /** One open in this many is followed on its stream until the fresh-probe diagnosis arrives. */
  sampleEvery: number;
  /** Faults injected per path (trap and poll), each on its own CPE. */
  faultRepeats: number;
  /** CPEs (and subscribers) under the one base station taken down. */
  outageSubscribers: number;
  /** Conversations open, each with its stream, when the base station goes down. */
  open: number;
  intervalSeconds: number;
  settleSeconds: number;
  pollShards: number;
  firstOctet: number;
  port: number;
  split: boolean;
  cpuProfDir?: string;
  phases: readonly BenchPhase[];
}

export interface Latency {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface OpenFigures {
  rate: number;
  seconds: number;
  attempted: number;
  ok: number;
  errors: Record<string, number>;
  /** Client-side: from the request sent to the whole 201 body received, ms. */
  latency_ms: Latency;
  achieved_rate: number;
  /** How late the open-loop scheduler sent a request at worst (the load generator's own lag), ms. */
  send_lag_max_ms: number;
  /** From the POST sent to the fresh-probe `diagnosis` event on the conversation's stream, ms. */
  fresh_probe: { sampled: number; received: number; latency_ms: Latency; outcomes: Record<string, number> };
  serve_cpu_s: number;
  /** The service's CPU per second over 3 s before the opens: polling and the advisor, the background. */
  serve_cpu_idle_per_s: number;
  /** (serve_cpu_s − background) ÷ opens: what one open costs the service, ms. */
  serve_cpu_ms_per_open: number;
}

export interface FaultPathFigures {
  fault: string;
  repeats: number;
  received: number;
  /** From the control-API POST of the fault to `suggestion.created` on the stream, ms. */
  latency_ms: Latency;
  suggestion_kinds: Record<string, number>;
  interval_s: number;
  /** The bar for the poll path: one interval + 1 s. */
  bar_ms: number;
  within_bar: number;
  /** Traps the simulator sent and the service recorded over the phase (wan_down and its linkUp). */
  traps_sent: number;
  traps_received: number;
  /** From the fault to the service recording the device's trap (trap path), ms. */
  fault_to_trap_ms: Latency;
  /** From the fault to the poller opening the device's finding (detection, with its hysteresis), ms. */
  fault_to_finding_ms: Latency;
  /** From the finding opened to the suggestion on the stream (advisor, event hub, SSE), ms. */
  finding_to_stream_ms: Latency;
}

export interface OutageFigures {
  subscribers: number;
  settle_s: number;
  streams_requested: number;
  streams_open: number;
  open_errors: Record<string, number>;
  /** Streams whose fresh-probe diagnosis came after they connected (else it came before: no replay asked). */
  streams_fresh: number;
  /** From the fault POST to the root's down finding (detection: unreachable after its failed polls), ms. */
  fault_to_root_finding_ms: number | null;
  /** Devices overdue in the poll schedule by more than 2 s: the most seen before the fault, and after it. */
  poll_late_devices: { before: number; after: number };
  /** From the fault POST to the incident.opened event's `at`, ms. */
  fault_to_opened_ms: number | null;
  /** From incident.opened `at` to each stream's outage_notice `suggestion.created`, ms. */
  opened_to_notice_ms: Latency;
  /** From the fault POST to the last stream's notice, ms. */
  fault_to_last_notice_ms: number | null;
  notices_received: number;
  streams_missing_notice: number;
  /** Streams the server ended during the outage (a slow reader is cut off past its queue). */
  streams_cut: number;
  /** What the advisor wrote to the event stream after the fault (read back from Redis). */
  written: {
    outage_notices: number;
    /** From incident.opened `at` to the last notice's stream entry, ms. */
    opened_to_last_notice_written_ms: number | null;
    incident_updated: number;
    /** Size of the incident.opened / incident.updated payloads: each goes to every open stream. */
    incident_event_kb: number[];
  };
  /** Per stream over the outage: incident.updated events and MB received. */
  incident_updated_per_stream: number;
  mb_received_per_stream: number;
  serve_cpu_s: number;
  wall_s: number;
  /** The fault POST and the last notice received, ms since epoch (to cut a CPU profile). */
  window_ms: [number, number];
}

export interface ConversationBenchResult {
  setup: {
    /** The Redis prefix the run used (deleted at the end). */
    prefix: string;
    devices: number;
    cpes: number;
    parent: string;
    interval_s: number;
    settle_s: number;
    poll_shards: number;
    processes: string[];
    first_poll_cycle_s: number;
    sim_start_ms: number;
  };
  open?: OpenFigures;
  trap_path?: FaultPathFigures;
  poll_path?: FaultPathFigures;
  outage?: OutageFigures;
  /** Each phase's start and end (ms since epoch), and when each serve process was spawned: to cut a CPU profile. */
  windows: Record<string, [number, number]>;
  /** Warnings and errors the service logged, by message. */
  service_warnings: Record<string, number>;
  serve_rss_mb: number[];
}

const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

export function latency(values: readonly number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted.length === 0
      ? 0
      : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0, 1);
  return {
    n: sorted.length,
    min: round(sorted[0] ?? 0, 1),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: round(sorted.at(-1) ?? 0, 1),
  };
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

interface Opened {
  conversation: { id: string };
  lastEventId: string;
}

async function openConversation(stack: Stack, subscriberId: string, agent: string): Promise<Opened> {
  const answer = await stack.api('POST', '/v1/conversations', 'agent', {
    subscriberId,
    channel: 'chat',
    agentId: agent,
  });
  if (answer.status !== 201) throw new Error(`HTTP ${answer.status}`);
  return JSON.parse(answer.text) as Opened;
}

/** A conversation's stream with its events kept (small ones whole), and a wait for one of them. */
interface Watch {
  events: SseEvent[];
  waitFor(match: (event: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent | undefined>;
  close(): void;
}

async function watch(stack: Stack, conversationId: string, lastEventId?: string): Promise<Watch> {
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const stream = await openSse(
    `${stack.url}/v1/conversations/${conversationId}/events`,
    { ...stack.agentHeaders, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    (event) => {
      events.push(event.data.length > 65_536 ? { ...event, data: event.data.slice(0, 4096) } : event);
      for (const wake of waiters) wake();
    },
    () => {
      for (const wake of waiters) wake();
    },
  );
  if (stream.status !== 200) throw new Error(`stream: HTTP ${stream.status}`);
  return {
    events,
    waitFor(match, timeoutMs) {
      return new Promise((resolve) => {
        let from = 0;
        const check = (): void => {
          for (; from < events.length; from++) {
            const event = events[from] as SseEvent;
            if (match(event)) return done(event);
          }
          if (stream.ended) done(undefined);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        const done = (event: SseEvent | undefined): void => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(event);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => stream.close(),
  };
}

const isFreshProbe = (event: SseEvent): boolean =>
  event.type === 'diagnosis' && event.data.includes('"probes":[');

/** 1. POST /v1/conversations at a fixed rate (open-loop), and for a sample the fresh probe on the stream. */
async function measureOpens(
  stack: Stack,
  subscribers: readonly string[],
  options: ConversationBenchOptions,
  say: (line: string) => void,
): Promise<OpenFigures> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  if (total > subscribers.length)
    say(`  only ${subscribers.length} subscribers for ${total} opens: some are opened twice`);
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const fresh: number[] = [];
  const outcomes: Record<string, number> = {};
  let sampled = 0;
  let lagMax = 0;
  const idleBefore = stack.serveCpuSeconds();
  await sleep(3_000);
  const idlePerSecond = (stack.serveCpuSeconds() - idleBefore) / 3;
  const cpuBefore = stack.serveCpuSeconds();
  const wallBefore = performance.now();
  const tasks: Promise<void>[] = [];

  const openOne = async (i: number): Promise<void> => {
    const subscriberId = subscribers[i % subscribers.length] as string;
    const sent = performance.now();
    const sentWall = Date.now();
    let opened: Opened;
    try {
      opened = await openConversation(stack, subscriberId, `bench-agent-${i % 100}`);
    } catch (error) {
      count(errors, error instanceof Error ? error.message : String(error));
      return;
    }
    latencies.push(performance.now() - sent);
    if (i % options.sampleEvery !== 0) return;
    sampled += 1;
    // From the position the POST returned: a probe that finished before the stream connected is replayed.
    let stream: Watch | undefined;
    try {
      stream = await watch(stack, opened.conversation.id, opened.lastEventId);
      const event = await stream.waitFor(isFreshProbe, 20_000);
      if (!event) return;
      fresh.push(event.receivedAt - sentWall);
      const data = JSON.parse(event.data) as { probes?: { outcome: string }[] };
      for (const probe of data.probes ?? []) count(outcomes, probe.outcome);
    } catch (error) {
      count(errors, `stream: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      stream?.close();
    }
  };

  const start = performance.now() + 20;
  const due = (i: number): number => start + (i * 1000) / options.rate;
  await new Promise<void>((resolve) => {
    let i = 0;
    const tick = (): void => {
      const now = performance.now();
      while (i < total && due(i) <= now) {
        lagMax = Math.max(lagMax, now - due(i));
        tasks.push(openOne(i));
        i += 1;
      }
      if (i >= total) resolve();
      else setTimeout(tick, Math.max(0, due(i) - performance.now()));
    };
    tick();
  });
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.all(tasks);
  const cpu = stack.serveCpuSeconds() - cpuBefore;
  const wall = (performance.now() - wallBefore) / 1000;
  return {
    rate: options.rate,
    seconds: options.seconds,
    attempted: total,
    ok: latencies.length,
    errors,
    latency_ms: latency(latencies),
    achieved_rate: round(total / Math.max(sendSeconds, 1e-3), 1),
    send_lag_max_ms: round(lagMax, 1),
    fresh_probe: { sampled, received: fresh.length, latency_ms: latency(fresh), outcomes },
    serve_cpu_s: round(cpu, 2),
    serve_cpu_idle_per_s: round(idlePerSecond, 2),
    serve_cpu_ms_per_open: round(((cpu - idlePerSecond * wall) * 1000) / Math.max(1, latencies.length), 2),
  };
}

/**
 * 2. A fault on a CPE whose conversation has its stream open: from the control-API POST to the
 * `suggestion.created` for that CPE on the stream. The repeats start spread over one poll interval
 * (each on its own CPE), so they meet the poll schedule at every phase.
 */
async function measureFaultPath(
  stack: Stack,
  deviceOf: ReadonlyMap<string, string>,
  subscribers: readonly string[],
  fault: Record<string, unknown> & { kind: string },
  options: ConversationBenchOptions,
): Promise<FaultPathFigures> {
  const n = Math.min(options.faultRepeats, subscribers.length);
  const spreadMs = (options.intervalSeconds * 1000) / n;
  const timeoutMs = (options.intervalSeconds * 4 + 30) * 1000;
  const latencies: number[] = [];
  const kinds: Record<string, number> = {};
  /** Per device: when the fault went in and when its suggestion reached the stream. */
  const timeline = new Map<string, { injected: number; received?: number }>();
  const trapsBefore = await trapCounts(stack);
  await Promise.all(
    subscribers.slice(0, n).map(async (subscriberId, i) => {
      await sleep(Math.round(i * spreadMs));
      const deviceId = deviceOf.get(subscriberId) as string;
      const opened = await openConversation(stack, subscriberId, `bench-fault-${i}`);
      const stream = await watch(stack, opened.conversation.id, opened.lastEventId);
      try {
        // The conversation's own fresh probe first, so it is not what finds the fault.
        await stream.waitFor(isFreshProbe, 20_000);
        const injected = Date.now();
        timeline.set(deviceId, { injected });
        const answer = await stack.control('POST', `/devices/${deviceId}/faults`, fault);
        if (answer.status >= 300) throw new Error(`fault on ${deviceId}: ${answer.status} ${answer.text}`);
        const created = await stream.waitFor(
          (e) => e.type === 'suggestion.created' && e.data.includes(`"deviceId":"${deviceId}"`),
          timeoutMs,
        );
        if (created) {
          latencies.push(created.receivedAt - injected);
          timeline.set(deviceId, { injected, received: created.receivedAt });
          count(kinds, (JSON.parse(created.data) as { kind: string }).kind);
        }
      } finally {
        stream.close();
        await stack.control('DELETE', `/devices/${deviceId}/faults`);
      }
    }),
  );
  const barMs = options.intervalSeconds * 1000 + 1000;
  await sleep(500);
  const trapsAfter = await trapCounts(stack);
  // Where the time went, from what the service recorded: the device's trap, its finding opened.
  const from = Math.min(...[...timeline.values()].map((t) => t.injected));
  const traps = await firstEntries(stack, stack.keys.trapEvents(), from, (f) => f[1]);
  const findings = await firstEntries(stack, stack.keys.findingEvents(), from, (f) =>
    f[1] === 'opened' ? f[3] : undefined,
  );
  const toTrap: number[] = [];
  const toFinding: number[] = [];
  const findingToStream: number[] = [];
  for (const [deviceId, t] of timeline) {
    const trapAt = traps.get(deviceId)?.find((at) => at >= t.injected);
    const findingAt = findings.get(deviceId)?.find((at) => at >= t.injected);
    if (trapAt !== undefined) toTrap.push(trapAt - t.injected);
    if (findingAt !== undefined) toFinding.push(findingAt - t.injected);
    if (findingAt !== undefined && t.received !== undefined) findingToStream.push(t.received - findingAt);
  }
  return {
    fault: fault.kind,
    repeats: n,
    received: latencies.length,
    latency_ms: latency(latencies),
    suggestion_kinds: kinds,
    interval_s: options.intervalSeconds,
    bar_ms: barMs,
    within_bar: latencies.filter((ms) => ms <= barMs).length,
    traps_sent: trapsAfter.sent - trapsBefore.sent,
    traps_received: trapsAfter.received - trapsBefore.received,
    fault_to_trap_ms: latency(toTrap),
    fault_to_finding_ms: latency(toFinding),
    finding_to_stream_ms: latency(findingToStream),
  };
}

/** The entry times (ms) of a Redis stream after `from`, by the id `pick` reads from each entry's fields. */
async function firstEntries(
  stack: Stack,
  key: string,
  from: number,
  pick: (fields: string[]) => string | undefined,
): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  let cursor = `${from}-0`;
  for (;;) {
    const batch = await stack.redis.xrange(key, `(${cursor}`, '+', 'COUNT', 2000);
    if (batch.length === 0) return found;
    for (const [id, fields] of batch) {
      cursor = id;
      const subject = pick(fields);
      if (subject === undefined) continue;
      const list = found.get(subject) ?? [];
      list.push(Number(id.split('-')[0]));
      found.set(subject, list);
    }
  }
}

async function trapCounts(stack: Stack): Promise<{ sent: number; received: number }> {
  const stats = await stack.control('GET', '/stats');
  const sent = (JSON.parse(stats.text) as { trapsSent?: number }).trapsSent ?? 0;
  return { sent, received: await stack.redis.xlen(stack.keys.trapEvents()) };
}

interface OutageStream {
  stream?: SseStream;
  snapshot: boolean;
  fresh: boolean;
  openedAt?: number;
  updated: number;
  noticeAt?: number;
  cut: boolean;
  bytesAtFault: number;
}

/**
 * 3. `open` conversations with their streams among the base station's subscribers; the base station
 * goes down; every stream should get the outage notice.
 */
async function measureOutage(
  stack: Stack,
  subscribers: readonly string[],
  options: ConversationBenchOptions,
  say: (line: string) => void,
): Promise<OutageFigures> {
  const wanted = subscribers.slice(0, options.open);
  const streams: OutageStream[] = [];
  const openErrors: Record<string, number> = {};
  let faultAt = Number.POSITIVE_INFINITY;
  const onEvent = (s: OutageStream, event: SseEvent): void => {
    switch (event.type) {
      case 'diagnosis':
        s.snapshot = true;
        if (isFreshProbe(event)) s.fresh = true;
        break;
      case 'incident.opened': {
        // streamData puts `at` first: no need to parse a payload that lists every affected device.
        const at = /^\{"at":"([^"]+)"/.exec(event.data)?.[1];
        if (at !== undefined && event.receivedAt >= faultAt) s.openedAt ??= Date.parse(at);
        break;
      }
      case 'incident.updated':
        if (event.receivedAt >= faultAt) s.updated += 1;
        break;
      case 'suggestion.created':
        if (s.noticeAt === undefined && event.data.includes('"kind":"outage_notice"'))
          s.noticeAt = event.receivedAt;
        break;
      default:
        break;
    }
  };

  const openedStarted = performance.now();
  await pool(wanted, 32, async (subscriberId) => {
    const s: OutageStream = { snapshot: false, fresh: false, updated: 0, cut: false, bytesAtFault: 0 };
    try {
      const opened = await openConversation(stack, subscriberId, `bench-outage-${streams.length % 100}`);
      // No Last-Event-ID: the stream starts with the snapshot, which says it is live.
      s.stream = await openSse(
        `${stack.url}/v1/conversations/${opened.conversation.id}/events`,
        stack.agentHeaders,
        (event) => onEvent(s, event),
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
  say(
    `  ${streams.length} conversations open with their streams in ${((performance.now() - openedStarted) / 1000).toFixed(1)} s`,
  );
  // Every stream live (its snapshot in), and the fresh probes of the opens done (the probe queue drained).
  const settleDeadline = Date.now() + 120_000;
  while (Date.now() < settleDeadline && streams.some((s) => !s.snapshot && !s.cut)) await sleep(200);
  const probes = new Queue(PROBE_QUEUE, { connection: stack.redis, prefix: stack.keys.bullPrefix() });
  try {
    for (;;) {
      const counts = await probes.getJobCounts('wait', 'active', 'prioritized', 'delayed');
      if (Object.values(counts).every((n) => n === 0) || Date.now() > settleDeadline) break;
      await sleep(200);
    }
  } finally {
    await probes.close();
  }
  const live = streams.filter((s) => !s.cut);
  const fresh = live.filter((s) => s.fresh).length;
  say(
    `  ${live.filter((s) => s.snapshot).length} of ${live.length} streams live, probe queue drained; the base station goes down now`,
  );
  await sleep(1_000);

  const schedule = createScheduleStore(stack.redis, stack.keys, options.pollShards);
  const lateNow = async (): Promise<number> => (await schedule.size(Date.now(), 2_000)).late;
  let lateBefore = 0;
  for (let i = 0; i < 3; i++) {
    lateBefore = Math.max(lateBefore, await lateNow());
    await sleep(300);
  }
  let lateAfter = 0;
  const cpuBefore = stack.serveCpuSeconds();
  for (const s of live) s.bytesAtFault = s.stream?.bytes ?? 0;
  faultAt = Date.now();
  const answer = await stack.control('POST', `/devices/${stack.parentId}/faults`, { kind: 'down' });
  if (answer.status >= 300) throw new Error(`fault on ${stack.parentId}: ${answer.status} ${answer.text}`);
  const deadline = faultAt + (options.settleSeconds + options.intervalSeconds * 5 + 120) * 1000;
  let nextReport = faultAt + 5_000;
  let nextLate = faultAt + 1_000;
  for (;;) {
    const waiting = live.filter((s) => s.noticeAt === undefined && !s.cut).length;
    if (waiting === 0 || Date.now() > deadline) break;
    if (Date.now() >= nextLate) {
      nextLate += 1_000;
      lateAfter = Math.max(lateAfter, await lateNow());
    }
    if (Date.now() >= nextReport) {
      nextReport += 5_000;
      const opened = live.some((s) => s.openedAt !== undefined) ? 'incident opened' : 'no incident yet';
      say(
        `  ${((Date.now() - faultAt) / 1000).toFixed(0)} s: ${opened}, ${live.length - waiting} of ${live.length} notices`,
      );
    }
    await sleep(50);
  }
  const wall = (Date.now() - faultAt) / 1000;
  const cpu = stack.serveCpuSeconds() - cpuBefore;

  const openedAt = live.map((s) => s.openedAt).find((at) => at !== undefined);
  // The advisor may still be writing the notices of subscribers with no stream open: wait for all.
  let written = await readWrittenEvents(stack, faultAt, openedAt);
  const writtenDeadline = Date.now() + 60_000;
  while (written.notices < options.outageSubscribers && Date.now() < writtenDeadline) {
    await sleep(1_000);
    written = await readWrittenEvents(stack, faultAt, openedAt);
  }
  const openedRef = openedAt ?? written.openedAt;
  const notices = live.flatMap((s) => (s.noticeAt !== undefined ? [s.noticeAt] : []));
  const lastNotice = notices.length > 0 ? Math.max(...notices) : undefined;
  const figures: OutageFigures = {
    subscribers: options.outageSubscribers,
    settle_s: options.settleSeconds,
    streams_requested: wanted.length,
    streams_open: live.length,
    open_errors: openErrors,
    streams_fresh: fresh,
    fault_to_root_finding_ms: written.rootFindingAt !== undefined ? written.rootFindingAt - faultAt : null,
    poll_late_devices: { before: lateBefore, after: lateAfter },
    fault_to_opened_ms: openedRef !== undefined ? openedRef - faultAt : null,
    opened_to_notice_ms: latency(openedRef !== undefined ? notices.map((t) => t - openedRef) : []),
    fault_to_last_notice_ms: lastNotice !== undefined ? lastNotice - faultAt : null,
    notices_received: notices.length,
    streams_missing_notice: live.filter((s) => s.noticeAt === undefined).length,
    streams_cut: live.filter((s) => s.cut).length,
    written: {
      outage_notices: written.notices,
      opened_to_last_notice_written_ms:
        openedRef !== undefined && written.lastNoticeAt !== undefined
          ? written.lastNoticeAt - openedRef
          : null,
      incident_updated: written.updated,
      incident_event_kb: written.incidentKb,
    },
    incident_updated_per_stream: round(live.reduce((n, s) => n + s.updated, 0) / Math.max(1, live.length), 1),
    mb_received_per_stream: round(
      live.reduce((n, s) => n + (s.stream?.bytes ?? 0) - s.bytesAtFault, 0) /
        Math.max(1, live.length) /
        2 ** 20,
      2,
    ),
    serve_cpu_s: round(cpu, 2),
    wall_s: round(wall, 1),
    window_ms: [faultAt, lastNotice ?? faultAt + wall * 1000],
  };
  await stack.control('DELETE', `/devices/${stack.parentId}/faults`);
  for (const s of streams) s.stream?.close();
  return figures;
}

/** The outward event stream after the fault, as the advisor wrote it (payloads measured, not parsed). */
async function readWrittenEvents(
  stack: Stack,
  faultAt: number,
  openedAt: number | undefined,
): Promise<{
  notices: number;
  lastNoticeAt?: number;
  openedAt?: number;
  rootFindingAt?: number;
  updated: number;
  incidentKb: number[];
}> {
  let cursor = `${faultAt}-0`;
  let notices = 0;
  let lastNoticeAt: number | undefined;
  let opened = openedAt;
  let updated = 0;
  const incidentKb: number[] = [];
  for (;;) {
    const batch = await stack.redis.xrange(stack.keys.events(), `(${cursor}`, '+', 'COUNT', 2000);
    if (batch.length === 0) break;
    for (const [id, fields] of batch) {
      cursor = id;
      const field = (name: string): string | undefined => {
        for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
        return undefined;
      };
      const type = field('type');
      const data = field('data') ?? '';
      if (type === 'suggestion.created' && data.includes('"kind":"outage_notice"')) {
        notices += 1;
        lastNoticeAt = Number(id.split('-')[0]);
      } else if (type === 'incident.opened' || type === 'incident.updated') {
        if (type === 'incident.opened') opened ??= Number(field('at'));
        else updated += 1;
        if (incidentKb.length < 50) incidentKb.push(round(Buffer.byteLength(data) / 1024, 1));
      }
    }
  }
  const rootFindingAt = await rootFinding(stack, faultAt);
  return {
    notices,
    ...(lastNoticeAt !== undefined ? { lastNoticeAt } : {}),
    ...(opened !== undefined ? { openedAt: opened } : {}),
    ...(rootFindingAt !== undefined ? { rootFindingAt } : {}),
    updated,
    incidentKb,
  };
}

/** When the poller recorded the parent's down finding (its entry on the finding-change stream). */
async function rootFinding(stack: Stack, faultAt: number): Promise<number | undefined> {
  let cursor = `${faultAt}-0`;
  for (;;) {
    const batch = await stack.redis.xrange(stack.keys.findingEvents(), `(${cursor}`, '+', 'COUNT', 2000);
    if (batch.length === 0) return undefined;
    for (const [id, fields] of batch) {
      cursor = id;
      if (fields[1] === 'opened' && fields[3] === stack.parentId) return Number(id.split('-')[0]);
    }
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
    redisUrl: options.redisUrl,
    probesDir: options.probesDir,
    cpes: options.outageSubscribers,
    intervalSeconds: options.intervalSeconds,
    settleSeconds: options.settleSeconds,
    pollShards: options.pollShards,
    firstOctet: options.firstOctet,
    port: options.port,
    split: options.split,
    // One key opens them all: its bound must not be what the bench measures.
    opensPerKeyPerMinute: Math.max(6_000, options.rate * 120),
    ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
    say,
  });
  // Interrupted: the children stop and the Redis prefix goes all the same.
  const interrupted = (): void => {
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const { inventory } = stack;
    const deviceOf = new Map(inventory.subscribers.map((s) => [s.id, s.deviceIds[0] as string]));
    const all = inventory.subscribers.map((s) => s.id);
    let used = 0;
    // Each phase takes subscribers no earlier phase used (wrapping round when the fleet is too small).
    const take = (n: number): string[] => {
      const out = Array.from({ length: n }, (_, i) => all[(used + i) % all.length] as string);
      used += n;
      return out;
    };
    const result: ConversationBenchResult = {
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
      await sleep(2_000);
    }
    if (options.phases.includes('faults')) {
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

const ms = (l: Latency): string =>
  `p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms (n=${l.n})`;

function formatOpen(o: OpenFigures): string {
  const errors = Object.entries(o.errors)
    .map(([k, v]) => `${v}× ${k}`)
    .join(', ');
  return `${o.ok}/${o.attempted} opened at ${o.achieved_rate}/s: ${ms(o.latency_ms)}${errors ? `; errors: ${errors}` : ''}`;
}

function formatFault(f: FaultPathFigures): string {
  const trap = f.fault_to_trap_ms.n > 0 ? `fault → trap recorded p50 ${f.fault_to_trap_ms.p50} ms; ` : '';
  return `${f.received}/${f.repeats} suggestion.created (${Object.keys(f.suggestion_kinds).join(', ')}): ${ms(f.latency_ms)}; ${f.within_bar} within one interval + 1 s (${f.bar_ms} ms); traps sent ${f.traps_sent}, recorded ${f.traps_received}
    ${trap}fault → finding opened p50 ${f.fault_to_finding_ms.p50} ms (min ${f.fault_to_finding_ms.min}, max ${f.fault_to_finding_ms.max}); finding → stream p50 ${f.finding_to_stream_ms.p50} ms, max ${f.finding_to_stream_ms.max} ms`;
}

/** The readable summary. */
export function formatConversationBench(r: ConversationBenchResult): string {
  const lines: string[] = [];
  const s = r.setup;
  lines.push(
    `fleet: ${s.parent} with ${s.cpes} CPEs (one subscriber each); probe interval ${s.interval_s} s, ${s.poll_shards} poll shards, outage settle ${s.settle_s} s; vigil serve as ${s.processes.map((p) => `[${p}]`).join(' + ')}; first poll of every device ${s.first_poll_cycle_s} s after import`,
  );
  if (r.open) {
    const o = r.open;
    lines.push(
      `open → snapshot (POST /v1/conversations, ${o.rate}/s for ${o.seconds} s, open-loop): ${formatOpen(o)}`,
    );
    lines.push(
      `  sender lag max ${o.send_lag_max_ms} ms; service CPU ${o.serve_cpu_s} s (${o.serve_cpu_idle_per_s} s/s before the opens: polling and advisor; so ~${o.serve_cpu_ms_per_open} ms per open)`,
    );
    const f = o.fresh_probe;
    lines.push(
      `open → fresh-probe diagnosis on the stream (${f.received}/${f.sampled} sampled): ${ms(f.latency_ms)}; probe outcomes ${JSON.stringify(f.outcomes)}`,
    );
  }
  if (r.trap_path)
    lines.push(`fault → suggestion, trap path (${r.trap_path.fault}): ${formatFault(r.trap_path)}`);
  if (r.poll_path)
    lines.push(`fault → suggestion, poll path (${r.poll_path.fault}): ${formatFault(r.poll_path)}`);
  if (r.outage) {
    const o = r.outage;
    lines.push(
      `outage fan-out: ${o.streams_open} streams open (${o.streams_requested} asked) of ${o.subscribers} subscribers; settle ${o.settle_s} s`,
    );
    lines.push(
      `  fault → ${r.setup.parent}'s down finding: ${o.fault_to_root_finding_ms ?? 'n/a'} ms; → incident.opened at: ${o.fault_to_opened_ms ?? 'n/a'} ms; devices overdue > 2 s in the poll schedule: ${o.poll_late_devices.before} before, up to ${o.poll_late_devices.after} after`,
    );
    lines.push(`  incident.opened → outage_notice on the streams: ${ms(o.opened_to_notice_ms)}`);
    lines.push(
      `  fault → last notice: ${o.fault_to_last_notice_ms ?? 'n/a'} ms; ${o.notices_received} received, ${o.streams_missing_notice} missing, ${o.streams_cut} streams cut`,
    );
    lines.push(
      `  written: ${o.written.outage_notices} notices, the last ${o.written.opened_to_last_notice_written_ms ?? 'n/a'} ms after opened; ${o.written.incident_updated} incident.updated (payloads KB: ${o.written.incident_event_kb.slice(0, 8).join(', ')}${o.written.incident_event_kb.length > 8 ? ', …' : ''})`,
    );
    lines.push(
      `  per stream: ${o.incident_updated_per_stream} incident.updated, ${o.mb_received_per_stream} MB received; service CPU ${o.serve_cpu_s} s over ${o.wall_s} s`,
    );
  }
  const warnings = Object.entries(r.service_warnings);
  if (warnings.length > 0)
    lines.push(`service warnings: ${warnings.map(([msg, n]) => `${n}× ${msg}`).join('; ')}`);
  lines.push(`service RSS at the end: ${r.serve_rss_mb.join(' + ')} MB`);
  return lines.join('\n');
}
