import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Redis } from 'ioredis';
import { initialDetectionState, type Finding } from '../detection/index.js';
import { createAdvisor, type StepReport } from '../diagnosis/advisor.js';
import { createFindingsMirror } from '../diagnosis/findings-mirror.js';
import { loadPlaybooksOrThrow } from '../diagnosis/load-playbooks.js';
import type { SuggestionRecord } from '../diagnosis/suggestion-record.js';
import { lastEventId, readEvents } from '../events/event-log.js';
import { createInventoryStore, readInventory } from '../inventory/index.js';
import { deleteKeyPrefix } from '../platform/delete-key-prefix.js';
import { createLogger } from '../platform/logger.js';
import { createRedisConnection, waitForRedis } from '../platform/redis-connection.js';
import { createRedisKeys, type RedisKeys } from '../platform/redis-keys.js';
import { createDeviceStatusIndex, statusFacts } from '../polling/device-status-index.js';
import { createPollerStateStore, type PollerStateStore } from '../polling/poller-state-store.js';
import { generateFleet } from '../sim/fleet-generator.js';

export interface AdviseBenchOptions {
  redisUrl: string;
  playbooksDir: string;
  /** Shards of the pollers' state hashes (VIGIL_POLL_SHARDS). */
  pollShards: number;
  devices: number;
  /** CPEs under each parent: the subtree one base station's outage takes down. */
  outageChildren: number;
  /** Share of CPEs with one single-device finding (stale_uptime or error_rate). */
  faultyShare: number;
  /** Idle steps timed after the outage (the median is reported). */
  idleSteps?: number;
}

export interface StepFigures {
  ms: number;
  cpu_ms: number;
  devices_planned: number;
  suggestion_events: number;
  events: Record<string, number>;
}

export interface IdleFigures {
  median_ms: number;
  min_ms: number;
  max_ms: number;
  cpu_ms_median: number;
  steps: number;
}

export interface AdviseBenchResult {
  devices: number;
  parents: number;
  cpes: number;
  subscribers: number;
  faulty_cpes: number;
  outage_root: string;
  outage_cpes: number;
  import_s: number;
  findings_write_ms: number;
  prime: {
    ms: number;
    /** Process RSS and V8 heap growth over prime() (after a GC on either side when available). */
    rss_mb: number;
    heap_mb: number;
    /** Redis used_memory growth over prime() (it only reads: ~0). */
    redis_mb: number;
    devices_with_findings: number;
  };
  first_step: StepFigures & { us_per_device: number; suggestions_written: number };
  outage: StepFigures & {
    findings_write_ms: number;
    catch_up_ms: number;
    incidents_opened: number;
    outage_notices: number;
    affected_devices: number;
    affected_subscribers: number;
  };
  recovery: StepFigures & {
    findings_write_ms: number;
    catch_up_ms: number;
    incidents_resolved: number;
    notices_withdrawn: number;
  };
  /** Steps with nothing changed and no incident: the steady-state cost of the loop. */
  idle_step: IdleFigures;
  /** The same while the outage is open. */
  idle_step_during_outage: IdleFigures;
  /** touchAll() + step(): every 30 s in the role's loop (every device with findings or live suggestions). */
  replan_all: StepFigures & { touch_all_ms: number };
  /** The same while the outage is open (its notices are live suggestions too). */
  replan_all_during_outage: StepFigures & { touch_all_ms: number };
  /** mirror.reload(): every 60 s in the role's loop; devices_changed should be 0. */
  mirror_reload: { ms: number; devices_changed: number };
  redis_used_mb: { inventory: number; findings: number; suggestions_after_first_step: number; total: number };
  rss_mb: number;
  max_rss_mb: number;
}

/** The poll service's cap on the finding-change stream (poll-service.ts). */
const FINDING_EVENTS_MAXLEN = 100_000;
const WRITE_BATCH = 5_000;

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const mb = (bytes: number): number => round(bytes / 2 ** 20);

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
}

/**
 * Full GCs before a memory reading, so RSS and heap deltas are what stays, not garbage not yet
 * collected; the pause lets V8 hand freed pages back before RSS is read.
 */
async function collectGarbage(): Promise<void> {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    await sleep(100);
    gc();
  } catch {
    // Without it the readings are noisier, not wrong.
  }
}

interface DeviceFindings {
  deviceId: string;
  findings: Finding[];
  reachable: boolean;
}

/**
 * Writes devices' open findings exactly as a poller does after a poll: the state (msgpack, per shard),
 * the status and finding-kind index, and opened / updated / cleared on the finding-change stream.
 */
async function writeFindings(
  redis: Redis,
  keys: RedisKeys,
  states: PollerStateStore,
  updates: readonly DeviceFindings[],
  now: number,
): Promise<void> {
  const index = createDeviceStatusIndex(redis, keys);
  for (let i = 0; i < updates.length; i += WRITE_BATCH) {
    const batch = updates.slice(i, i + WRITE_BATCH);
    const previous = await states.load(batch.map((u) => u.deviceId));
    const pipeline = redis.pipeline();
    const facts = [];
    const saved = [];
    for (const update of batch) {
      const before = previous.get(update.deviceId);
      const detection = structuredClone(before?.detection ?? initialDetectionState(update.deviceId));
      detection.reachable = update.reachable;
      detection.consecutiveFailures = update.reachable ? 0 : 3;
      detection.consecutiveSuccesses = update.reachable ? 1 : 0;
      detection.lastPollAt = now;
      detection.lastOutcome = update.reachable ? 'ok' : 'timeout';
      detection.findings = Object.fromEntries(update.findings.map((f) => [f.id, f]));
      saved.push({ probe: before?.probe ?? 'cpe-lte', indices: before?.indices ?? {}, detection });
      facts.push({
        id: update.deviceId,
        before: statusFacts(before?.detection),
        after: statusFacts(detection),
      });
      const old = before?.detection.findings ?? {};
      const changes: [string, Finding][] = [];
      for (const f of Object.values(old))
        if (!(f.id in detection.findings)) changes.push(['cleared', { ...f, updatedAt: now }]);
      for (const f of update.findings) {
        const was = old[f.id];
        if (!was) changes.push(['opened', f]);
        else if (JSON.stringify(was) !== JSON.stringify(f)) changes.push(['updated', f]);
      }
      for (const [type, finding] of changes)
        pipeline.xadd(
          keys.findingEvents(),
          'MAXLEN',
          '~',
          String(FINDING_EVENTS_MAXLEN),
          '*',
          'type',
          type,
          'deviceId',
          update.deviceId,
          'finding',
          JSON.stringify(finding),
        );
    }
    // The poller's order: state, then the index, then the changes.
    await states.save(saved);
    await index.update(facts);
    await pipeline.exec();
  }
}

/** A single-device finding of the kinds the reboot rule answers, as detection words them. */
function faultFinding(deviceId: string, n: number, now: number): Finding {
  const since = now - (2 + (n % 20)) * 3_600_000;
  if (n % 2 === 0) {
    const days = 35 + (n % 50);
    return {
      id: `${deviceId}:stale_uptime`,
      deviceId,
      kind: 'stale_uptime',
      severity: 'minor',
      since,
      updatedAt: since,
      evidence: {
        summary: `up ${days} days`,
        values: { days, uptimeSeconds: days * 86_400, thresholdSeconds: 30 * 86_400 },
      },
    };
  }
  const errorsPerHour = 1_000 + (n % 500) * 10;
  return {
    id: `${deviceId}:error_rate:1`,
    deviceId,
    kind: 'error_rate',
    subject: '1',
    severity: 'minor',
    since,
    updatedAt: since,
    evidence: {
      summary: `${errorsPerHour} input errors in the last hour on wan0`,
      values: { errorsPerHour, thresholdPerHour: 600, ifIndex: '1', interface: 'wan0' },
    },
  };
}

function downFinding(deviceId: string, baseStation: boolean, now: number): Finding {
  return {
    id: `${deviceId}:${baseStation ? 'base_station_down' : 'unreachable'}`,
    deviceId,
    kind: baseStation ? 'base_station_down' : 'unreachable',
    severity: baseStation ? 'critical' : 'major',
    since: now,
    updatedAt: now,
    evidence: { summary: 'no answer to 3 polls in a row', values: { failures: 3, outcome: 'timeout' } },
  };
}

interface EventTally {
  counts: Record<string, number>;
  createdByKind: Record<string, number>;
  withdrawnByKind: Record<string, number>;
  affectedDevices: number;
  affectedSubscribers: number;
}

/** Every event on the outward stream after `afterId`, counted by type (and suggestion kind). */
async function tallyEvents(
  redis: Redis,
  keys: RedisKeys,
  afterId: string,
): Promise<{ last: string; tally: EventTally }> {
  const tally: EventTally = {
    counts: {},
    createdByKind: {},
    withdrawnByKind: {},
    affectedDevices: 0,
    affectedSubscribers: 0,
  };
  let last = afterId;
  for (;;) {
    const events = await readEvents(redis, keys, last, 10_000);
    for (const event of events) {
      tally.counts[event.type] = (tally.counts[event.type] ?? 0) + 1;
      if (event.type === 'suggestion.created' || event.type === 'suggestion.withdrawn') {
        const kind = (event.data as SuggestionRecord).kind;
        const into = event.type === 'suggestion.created' ? tally.createdByKind : tally.withdrawnByKind;
        into[kind] = (into[kind] ?? 0) + 1;
      }
      if (event.type === 'incident.opened') {
        tally.affectedDevices = event.deviceIds.length;
        tally.affectedSubscribers = event.subscriberIds.length;
      }
    }
    if (events.length === 0) break;
    last = events.at(-1)?.id ?? last;
    if (events.length < 10_000) break;
  }
  return { last, tally };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * The advisor at fleet scale, without SNMP: the simulator's inventory in a Redis prefix of its own
 * (deleted afterwards), findings written as pollers write them, and the advisor built as the worker role
 * builds it (shipped playbooks, outages settling and resolving at once), stepped by hand: prime, the
 * first plan of every faulty CPE, one base station's outage opened and resolved, idle steps, the
 * periodic re-plan of everything and the periodic reload of the findings.
 */
export async function runAdviseBench(
  options: AdviseBenchOptions,
  say: (line: string) => void = () => undefined,
): Promise<AdviseBenchResult & { prefix: string }> {
  if (!(options.faultyShare >= 0 && options.faultyShare <= 1)) throw new Error('faultyShare: 0 to 1');
  const redis = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-advise');
  const reader = createRedisConnection(options.redisUrl, 'worker', 'vigil-bench-advise-reader');
  await Promise.all([waitForRedis(redis), waitForRedis(reader)]);
  const prefix = `vigil-bench-${randomBytes(4).toString('hex')}`;
  const keys = createRedisKeys(prefix);
  const states = createPollerStateStore(redis, keys, options.pollShards);
  let now = Date.now();
  const tick = (ms = 1_000): number => (now += ms);

  try {
    const memoryStart = await usedMemory(redis);

    // The inventory, imported as `vigil inventory import` does; only ids are kept past this block.
    const fleetStarted = performance.now();
    const { counts, root, rootIsBaseStation, rootCpes, faulty } = await (async () => {
      const { inventory } = generateFleet({
        devices: options.devices,
        fanout: options.outageChildren,
        seed: 1,
        firstOctet: 16,
        port: 1161,
        authProfile: 'sim',
        staleShare: 0,
        nowMs: now,
      });
      await createInventoryStore({ redis, keys }).importInventory(
        readInventory(JSON.stringify(inventory), { fileName: 'bench.json' }),
      );
      const first = inventory.devices[0];
      if (!first) throw new Error('empty fleet');
      const cpes = inventory.devices.filter((d) => d.kind === 'cpe').map((d) => d.id);
      const count = Math.round(cpes.length * options.faultyShare);
      const picked = Array.from({ length: count }, (_, i) => cpes[Math.floor((i * cpes.length) / count)]);
      return {
        counts: {
          devices: inventory.devices.length,
          parents: inventory.devices.length - cpes.length,
          cpes: cpes.length,
          subscribers: inventory.subscribers.length,
        },
        root: first.id,
        rootIsBaseStation: first.kind === 'base_station',
        rootCpes: inventory.devices.filter((d) => d.parentId === first.id).map((d) => d.id),
        faulty: picked.filter((id): id is string => id !== undefined),
      };
    })();
    const importS = (performance.now() - fleetStarted) / 1000;
    const memoryInventory = await usedMemory(redis);
    say(
      `inventory: ${counts.devices} devices (${counts.parents} parents, ${counts.cpes} CPEs), ${counts.subscribers} subscribers, generated and imported in ${importS.toFixed(2)} s`,
    );

    const faultyFindings = new Map(faulty.map((id, n) => [id, faultFinding(id, n, now)]));
    let started = performance.now();
    await writeFindings(
      redis,
      keys,
      states,
      faulty.map((deviceId) => ({
        deviceId,
        findings: [faultyFindings.get(deviceId) as Finding],
        reachable: true,
      })),
      now,
    );
    const findingsWriteMs = performance.now() - started;
    const memoryFindings = await usedMemory(redis);
    say(`findings: ${faulty.length} faulty CPEs written in ${findingsWriteMs.toFixed(0)} ms`);

    const mirror = createFindingsMirror({ redis, reader, keys, states });
    const advisor = createAdvisor({
      redis,
      keys,
      logger: createLogger({ level: 'silent' }),
      playbooks: await loadPlaybooksOrThrow(options.playbooksDir),
      mirror,
      correlation: { settleMs: 0, resolveAfterMs: 0 },
    });
    const catchUp = async (): Promise<number> => {
      const t = performance.now();
      for (;;) {
        const touched = await mirror.follow(1);
        if (touched.size === 0) return performance.now() - t;
        advisor.touch(touched);
      }
    };
    let eventsFrom = await lastEventId(redis, keys);
    const timedStep = async (): Promise<{ report: StepReport; figures: StepFigures; tally: EventTally }> => {
      const cpu = process.cpuUsage();
      const t = performance.now();
      const report = await advisor.step(tick());
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      const { last, tally } = await tallyEvents(redis, keys, eventsFrom);
      eventsFrom = last;
      return {
        report,
        tally,
        figures: {
          ms: round(ms),
          cpu_ms: round(cpuMs),
          devices_planned: report.devicesPlanned,
          suggestion_events: report.suggestionEvents,
          events: tally.counts,
        },
      };
    };

    // (1) prime: the topology and the findings into memory.
    await collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    const memoryBeforePrime = await usedMemory(redis);
    started = performance.now();
    await advisor.prime();
    const primeMs = performance.now() - started;
    await collectGarbage();
    const prime = {
      ms: round(primeMs),
      rss_mb: mb(process.memoryUsage().rss - rssBefore),
      heap_mb: mb(process.memoryUsage().heapUsed - heapBefore),
      redis_mb: mb((await usedMemory(redis)) - memoryBeforePrime),
      devices_with_findings: mirror.byDevice.size,
    };
    say(`prime: ${prime.ms} ms, RSS +${prime.rss_mb} MB, heap +${prime.heap_mb} MB`);

    // (2) the first step: every faulty CPE planned, its suggestion written and announced.
    const first = await timedStep();
    const memoryFirstStep = await usedMemory(redis);
    const firstStep = {
      ...first.figures,
      us_per_device: first.report.devicesPlanned
        ? Math.round((first.figures.ms * 1000) / first.report.devicesPlanned)
        : 0,
      suggestions_written: first.tally.counts['suggestion.created'] ?? 0,
    };
    say(`first step: ${firstStep.devices_planned} devices planned in ${firstStep.ms} ms`);

    // (3) the outage: the root and every CPE under it stop answering.
    tick();
    started = performance.now();
    await writeFindings(
      redis,
      keys,
      states,
      [root, ...rootCpes].map((deviceId) => ({
        deviceId,
        findings: [
          ...(faultyFindings.has(deviceId) ? [faultyFindings.get(deviceId) as Finding] : []),
          downFinding(deviceId, deviceId === root && rootIsBaseStation, now),
        ],
        reachable: false,
      })),
      now,
    );
    const outageWriteMs = performance.now() - started;
    const outageCatchUp = await catchUp();
    const outageStep = await timedStep();
    const outage = {
      ...outageStep.figures,
      findings_write_ms: round(outageWriteMs),
      catch_up_ms: round(outageCatchUp),
      incidents_opened: outageStep.tally.counts['incident.opened'] ?? 0,
      outage_notices: outageStep.tally.createdByKind['outage_notice'] ?? 0,
      affected_devices: outageStep.tally.affectedDevices,
      affected_subscribers: outageStep.tally.affectedSubscribers,
    };
    say(
      `outage step: ${outage.incidents_opened} incident opened, ${outage.outage_notices} outage notices in ${outage.ms} ms`,
    );

    const idleSteps = async (): Promise<IdleFigures> => {
      const ms: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < (options.idleSteps ?? 5); i++) {
        await catchUp();
        const step = await timedStep();
        ms.push(step.figures.ms);
        cpu.push(step.figures.cpu_ms);
      }
      return {
        median_ms: round(median(ms), 2),
        min_ms: round(Math.min(...ms), 2),
        max_ms: round(Math.max(...ms), 2),
        cpu_ms_median: round(median(cpu), 2),
        steps: ms.length,
      };
    };
    // Idle steps with the outage open: nothing changed, but an incident to carry.
    const idleDuringOutage = await idleSteps();
    // The role's 30 s re-plan while the outage is open: every CPE with an outage notice is planned again.
    started = performance.now();
    await advisor.touchAll();
    const touchAllOutageMs = performance.now() - started;
    const replanOutage = await timedStep();

    // (4) recovery: everything answers again; the outage resolves, its notices are withdrawn.
    tick();
    started = performance.now();
    await writeFindings(
      redis,
      keys,
      states,
      [root, ...rootCpes].map((deviceId) => ({
        deviceId,
        findings: faultyFindings.has(deviceId) ? [faultyFindings.get(deviceId) as Finding] : [],
        reachable: true,
      })),
      now,
    );
    const recoveryWriteMs = performance.now() - started;
    const recoveryCatchUp = await catchUp();
    const recoveryStep = await timedStep();
    const recovery = {
      ...recoveryStep.figures,
      findings_write_ms: round(recoveryWriteMs),
      catch_up_ms: round(recoveryCatchUp),
      incidents_resolved: recoveryStep.tally.counts['incident.resolved'] ?? 0,
      notices_withdrawn: recoveryStep.tally.withdrawnByKind['outage_notice'] ?? 0,
    };
    say(
      `recovery step: ${recovery.incidents_resolved} incident resolved, ${recovery.notices_withdrawn} notices withdrawn in ${recovery.ms} ms`,
    );

    // (5) idle steps with nothing changed and no incident: the steady-state cost of the loop.
    const idle = await idleSteps();

    // The role's periodic work: a re-plan of everything (30 s) and a full reload of the findings (60 s).
    started = performance.now();
    await advisor.touchAll();
    const touchAllMs = performance.now() - started;
    const replan = await timedStep();
    started = performance.now();
    const reloaded = await mirror.reload();
    const reloadMs = performance.now() - started;
    advisor.touch(reloaded);
    await timedStep();

    const memoryEnd = await usedMemory(redis);
    return {
      prefix,
      ...counts,
      faulty_cpes: faulty.length,
      outage_root: root,
      outage_cpes: rootCpes.length,
      import_s: round(importS, 2),
      findings_write_ms: round(findingsWriteMs),
      prime,
      first_step: firstStep,
      outage,
      recovery,
      idle_step: idle,
      idle_step_during_outage: idleDuringOutage,
      replan_all: { ...replan.figures, touch_all_ms: round(touchAllMs) },
      replan_all_during_outage: { ...replanOutage.figures, touch_all_ms: round(touchAllOutageMs) },
      mirror_reload: { ms: round(reloadMs), devices_changed: reloaded.size },
      redis_used_mb: {
        inventory: mb(memoryInventory - memoryStart),
        findings: mb(memoryFindings - memoryInventory),
        suggestions_after_first_step: mb(memoryFirstStep - memoryBeforePrime),
        total: mb(memoryEnd - memoryStart),
      },
      rss_mb: mb(process.memoryUsage().rss),
      max_rss_mb: round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await deleteKeyPrefix(redis, prefix);
    reader.disconnect();
    redis.disconnect();
  }
}

/** The result for people: one line per measured stage. */
export function formatAdviseBench(r: AdviseBenchResult): string {
  const events = (e: Record<string, number>): string =>
    Object.entries(e)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ') || 'no events';
  return [
    `fleet: ${r.devices} devices (${r.parents} parents, ${r.cpes} CPEs), ${r.faulty_cpes} faulty CPEs; outage at ${r.outage_root} with ${r.outage_cpes} CPEs`,
    `prime (topology + findings): ${r.prime.ms} ms, RSS +${r.prime.rss_mb} MB, heap +${r.prime.heap_mb} MB, Redis +${r.prime.redis_mb} MB`,
    `first step: ${r.first_step.devices_planned} devices planned, ${r.first_step.suggestions_written} suggestions written in ${r.first_step.ms} ms (${r.first_step.us_per_device} µs per device, ${r.first_step.cpu_ms} ms CPU)`,
    `outage: findings written ${r.outage.findings_write_ms} ms, mirror caught up ${r.outage.catch_up_ms} ms; step ${r.outage.ms} ms (${r.outage.cpu_ms} ms CPU): ${events(r.outage.events)}; ${r.outage.outage_notices} outage notices, ${r.outage.affected_devices} devices and ${r.outage.affected_subscribers} subscribers affected`,
    `recovery: step ${r.recovery.ms} ms (${r.recovery.cpu_ms} ms CPU): ${events(r.recovery.events)}`,
    `idle step: median ${r.idle_step.median_ms} ms (${r.idle_step.min_ms}–${r.idle_step.max_ms} ms over ${r.idle_step.steps}), ${r.idle_step.cpu_ms_median} ms CPU; with the outage open: median ${r.idle_step_during_outage.median_ms} ms`,
    `re-plan all (every 30 s): touchAll ${r.replan_all.touch_all_ms} ms + step ${r.replan_all.ms} ms for ${r.replan_all.devices_planned} devices; during the outage ${r.replan_all_during_outage.touch_all_ms} + ${r.replan_all_during_outage.ms} ms for ${r.replan_all_during_outage.devices_planned} devices`,
    `findings reload (every 60 s): ${r.mirror_reload.ms} ms, ${r.mirror_reload.devices_changed} devices changed`,
    `Redis used_memory: inventory +${r.redis_used_mb.inventory} MB, findings +${r.redis_used_mb.findings} MB, suggestions +${r.redis_used_mb.suggestions_after_first_step} MB, total +${r.redis_used_mb.total} MB; process RSS ${r.rss_mb} MB (peak ${r.max_rss_mb} MB)`,
  ].join('\n');
}
