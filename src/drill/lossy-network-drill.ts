import { setTimeout as sleep } from 'node:timers/promises';
import { check, finishReport, type DrillCheck, type DrillReport } from './drill-report.js';
import type { DrillStack } from './drill-stack.js';
import { drillScale, withDrillStack, type DrillOptions } from './drill-options.js';
import { expectOk } from './drill-observe.js';
import {
  faultForReboot,
  followConversation,
  openConversation,
  pickRebootTargets,
  type FollowedStream,
  type RebootTarget,
} from './drill-traffic.js';
import {
  incidentIds,
  pushedSuggestions,
  setFleetLoss,
  watchFleet,
  type FleetSightings,
} from './fleet-watch.js';
import { lostItems, processesAlive } from './redis-restart-drill.js';

const LOSS_PERCENT = 30;
const LOSS_INTERVALS = 10;

interface Watched extends RebootTarget {
  stream: FollowedStream;
}

/** Who the drill watches: healthy subscribers' conversations, and the few devices it really breaks. */
interface Cast {
  healthy: Watched[];
  /** A router powered off: `unreachable` must still be raised through the loss. */
  down: Watched[];
  /** A router up 50 days with line errors: its remote reboot must still be suggested. */
  worn: Watched[];
}

/**
 * 30% of every device's requests dropped for ten poll intervals: a lost packet is not a failed device,
 * so no outage opens and no healthy subscriber's open conversation is told its router is unreachable,
 * while the routers the drill really breaks meanwhile still get their findings and suggestions.
 */
export async function lossyNetworkDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = Date.now();
  const { intervalSeconds } = drillScale(options.quick);
  const lossMs = LOSS_INTERVALS * intervalSeconds * 1000;
  return withDrillStack(options, {}, {}, async (_redis, stack) => {
    const before = await incidentIds(stack);
    const cast = await castOf(stack, options.quick);
    options.log?.(
      `watching ${cast.healthy.length} healthy conversations; ${cast.down.length + cast.worn.length} routers to break`,
    );
    await setFleetLoss(stack, LOSS_PERCENT);
    const lossAt = Date.now();
    options.log?.(`${LOSS_PERCENT}% packet loss at all ${stack.inventory.devices.length} devices`);
    await breakRouters(stack, cast);
    const seen = await watchFleet(stack, lossAt + lossMs, (intervalSeconds * 1000) / 2);
    await setFleetLoss(stack, null);
    options.log?.(`loss lifted after ${Math.round((Date.now() - lossAt) / 1000)} s`);
    // One more interval: a suggestion decided just before the loss lifted reaches its stream.
    await sleep(intervalSeconds * 1000);
    const outages = await describeIncidents(stack, newIncidents(seen, before));
    const checks = [
      ...falseAlarmChecks(cast, seen, before, outages),
      ...realFaultChecks(cast, seen),
      processesAlive(stack),
    ];
    for (const w of [...cast.healthy, ...cast.down, ...cast.worn]) w.stream.stream.close();
    const falseUnreachable = [...seen.unreachable.keys()].filter((id) => !isBroken(cast, id)).length;
    return finishReport(
      {
        drill: 'lossy-network',
        quick: options.quick,
        fault: `${LOSS_PERCENT}% packet loss at every device for ${LOSS_INTERVALS} poll intervals (${lossMs / 1000} s), with ${cast.down.length} routers powered off and ${cast.worn.length} worn meanwhile`,
        checks,
        recoveryMs: undefined,
        lost: lostItems(checks),
        figures: {
          devices: stack.inventory.devices.length,
          intervalMs: intervalSeconds * 1000,
          lossMs,
          watchedConversations: cast.healthy.length,
          falseOutages: newIncidents(seen, before).length,
          outageSignsSettledAway: [...seen.pending].filter((id) => !seen.incidents.has(id)).length,
          healthyDevicesSeenUnreachable: falseUnreachable,
          samples: seen.samples,
        },
      },
      startedAt,
    );
  });
}

/** Routers under distinct parents: some to break, the rest healthy subscribers to watch. */
async function castOf(stack: DrillStack, quick: boolean): Promise<Cast> {
  const [downCount, wornCount, healthyCount] = quick ? [1, 1, 4] : [2, 2, 8];
  const targets = pickRebootTargets(stack.inventory, '', downCount + wornCount + healthyCount);
  const watch = async (target: RebootTarget): Promise<Watched> => {
    const opened = await openConversation(stack, target.subscriberId);
    const stream = await followConversation(stack, opened.conversationId, opened.lastEventId);
    return { ...target, stream };
  };
  const watched: Watched[] = [];
  for (const target of targets) watched.push(await watch(target));
  return {
    down: watched.slice(0, downCount),
    worn: watched.slice(downCount, downCount + wornCount),
    healthy: watched.slice(downCount + wornCount),
  };
}

async function breakRouters(stack: DrillStack, cast: Cast): Promise<void> {
  for (const { deviceId } of cast.down)
    expectOk(
      await stack.control('POST', `/devices/${encodeURIComponent(deviceId)}/faults`, { kind: 'down' }),
      `down on ${deviceId}`,
    );
  for (const { deviceId } of cast.worn) await faultForReboot(stack, deviceId);
}

/** A false outage as NOC sees it (cause, state, how many below it): what to look into. */
async function describeIncidents(stack: DrillStack, ids: readonly string[]): Promise<string> {
  const described: string[] = [];
  for (const id of ids) {
    const answer = await stack.api('GET', `/v1/incidents/${encodeURIComponent(id)}`, 'noc');
    const incident = JSON.parse(answer.text) as {
      cause?: string;
      state?: string;
      openedAt?: string;
      resolvedAt?: string;
      affectedDeviceIds?: unknown[];
      affectedSubscriberIds?: unknown[];
    };
    described.push(
      `${id} (${incident.cause ?? '?'}, ${incident.state ?? '?'}, opened ${incident.openedAt ?? '?'}, resolved ${incident.resolvedAt ?? '—'}, ${incident.affectedDeviceIds?.length ?? '?'} devices)`,
    );
  }
  return described.join('; ');
}

function isBroken(cast: Cast, deviceId: string): boolean {
  return [...cast.down, ...cast.worn].some((w) => w.deviceId === deviceId);
}

function newIncidents(seen: FleetSightings, before: Set<string>): string[] {
  return [...seen.incidents].filter((id) => !before.has(id));
}

function falseAlarmChecks(
  cast: Cast,
  seen: FleetSightings,
  before: Set<string>,
  outages: string,
): DrillCheck[] {
  const opened = newIncidents(seen, before);
  const pushed = cast.healthy.flatMap((w) =>
    pushedSuggestions(w.stream.events).map((s) => `${w.subscriberId}: ${s.kind} (${s.ruleId})`),
  );
  const cut = cast.healthy.filter((w) => w.stream.endedBecause !== undefined);
  return [
    check(
      'no outage opens (0 false outages)',
      opened.length === 0,
      opened.length === 0 ? `0 incidents in ${seen.samples} samples` : `opened: ${outages}`,
    ),
    check(
      "no suggestion pushed into a healthy subscriber's open conversation (0 false unreachable)",
      pushed.length === 0 && cut.length === 0,
      pushed.length === 0
        ? `${cast.healthy.length} streams followed, none pushed a suggestion, ${cut.length} cut`
        : pushed.join('; '),
    ),
  ];
}

function realFaultChecks(cast: Cast, seen: FleetSightings): DrillCheck[] {
  const missedDown = cast.down.filter((w) => !seen.unreachable.has(w.deviceId)).map((w) => w.deviceId);
  const quietDown = cast.down.filter((w) => pushedSuggestions(w.stream.events).length === 0);
  const missedWorn = cast.worn.filter(
    (w) => !pushedSuggestions(w.stream.events).some((s) => s.kind === 'remote_reboot'),
  );
  return [
    check(
      'a router powered off during the loss is still found unreachable',
      missedDown.length === 0,
      missedDown.length === 0
        ? `${cast.down.length}/${cast.down.length}`
        : `missed: ${missedDown.join(', ')}`,
    ),
    check(
      "and its subscriber's open conversation is told",
      quietDown.length === 0,
      pushedPerSubscriber(cast.down),
    ),
    check(
      'a worn router (up 50 days, line errors) still gets its remote reboot pushed',
      missedWorn.length === 0,
      pushedPerSubscriber(cast.worn),
    ),
  ];
}

/** What each watched conversation was pushed, for the report: `sub-1: remote_reboot; sub-2: nothing`. */
function pushedPerSubscriber(watched: readonly Watched[]): string {
  return watched
    .map(
      (w) =>
        `${w.subscriberId}: ${
          pushedSuggestions(w.stream.events)
            .map((s) => s.kind)
            .join(', ') || 'nothing'
        }`,
    )
    .join('; ');
}
