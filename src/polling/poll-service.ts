import type { Redis } from 'ioredis';
import type { Device, InventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import { FALLBACK_PROBE } from '../probes/load-probes.js';
import type { Probe } from '../probes/probe-types.js';
import type { DevicePoller } from './poll-device.js';
import type { LinkDownAnnouncement, SilenceAnnouncement, TrapNamed } from '../detection/index.js';
import {
  announceLinkDown,
  announceOneDevice,
  pollOneDevice,
  type DevicePolled,
  type PollOneInput,
  type PollReport,
} from './poll-one-device.js';
import type { InFlightLimit } from './in-flight-limit.js';
import type { PollerStateStore } from './poller-state-store.js';
import { publishPollReports } from './publish-poll-reports.js';

export type { PollReport };

export interface PollServiceDeps {
  redis: Redis;
  keys: RedisKeys;
  inventory: InventoryStore;
  probes: ReadonlyMap<string, Probe>;
  authProfiles: ReadonlyMap<string, AuthProfile>;
  poller: DevicePoller;
  states: PollerStateStore;
  log: Logger;
  clock?: () => number;
  /** Polls in flight at once within one call. */
  concurrency?: number;
  /** Polls in flight at once across calls that overlap, if capped. */
  inFlight?: InFlightLimit;
}

export interface PollService {
  /**
   * Polls these devices now, runs detection, stores their state and publishes finding changes;
   * `trapNamed`: what their trap named, opened at once where the poll agrees (detection/trap-named.ts).
   */
  pollDevices(ids: readonly string[], by?: { trapNamed?: TrapNamed }): Promise<PollReport[]>;
  /**
   * Judges a device silent on a trap's word, without polling it (its dying gasp, its parent's
   * loss-of-signal alarm), and stores and publishes that like a poll; undefined when it is not in
   * the inventory.
   */
  announceSilence(deviceId: string, announcement: SilenceAnnouncement): Promise<PollReport | undefined>;
  /** Opens `wan_down` on a trap's word that an upstream interface went down; undefined when nothing changed. */
  announceLinkDown(deviceId: string, announcement: LinkDownAnnouncement): Promise<PollReport | undefined>;
  probeFor(device: Device): Probe;
}

export function createPollService(deps: PollServiceDeps): PollService {
  const log = deps.log.child({ module: 'polling' });
  const warnedProfiles = new Set<string>();
  const probeFor = (device: Device): Probe => {
    const probe = deps.probes.get(device.profile);
    if (probe) return probe;
    if (!warnedProfiles.has(device.profile)) {
      warnedProfiles.add(device.profile);
      log.warn(
        { profile: device.profile },
        'no probe of that name: devices naming it are polled with the generic probe',
      );
    }
    return deps.probes.get(FALLBACK_PROBE) as Probe;
  };
  const batchDeps = { ...deps, log, probeFor };
  const clock = deps.clock ?? Date.now;
  return {
    probeFor,
    pollDevices: (ids, by) => pollDevices(batchDeps, ids, by?.trapNamed),
    announceSilence: (deviceId, announcement) =>
      storeAnnounced(batchDeps, deviceId, (input) => announceOneDevice(clock, input, announcement)),
    announceLinkDown: (deviceId, announcement) =>
      storeAnnounced(batchDeps, deviceId, (input) => announceLinkDown(clock, input, announcement)),
  };
}

type BatchDeps = PollServiceDeps & { probeFor(device: Device): Probe };

async function pollDevices(
  deps: BatchDeps,
  ids: readonly string[],
  trapNamed?: TrapNamed,
): Promise<PollReport[]> {
  const loaded = await loadPollInputs(deps, ids);
  const inputs = trapNamed ? loaded.map((input) => ({ ...input, trapNamed })) : loaded;
  return storeAndPublish(deps, await pollConcurrently(deps, inputs));
}

/**
 * What a trap announced about one device, judged on its stored state and stored like a poll, though
 * not counted as one (no request went out).
 */
async function storeAnnounced(
  deps: BatchDeps,
  deviceId: string,
  judge: (input: PollOneInput) => DevicePolled | undefined,
): Promise<PollReport | undefined> {
  const inputs = await loadPollInputs(deps, [deviceId]);
  const judged = inputs.flatMap((input) => judge(input) ?? []);
  return (await storeAndPublish(deps, judged, { polls: false }))[0];
}

/** The devices' new states saved and their finding changes published; their reports returned. */
async function storeAndPublish(
  deps: BatchDeps,
  polled: readonly DevicePolled[],
  counted: { polls: boolean } = { polls: true },
): Promise<PollReport[]> {
  // State and index entries in one script, and only for devices still in the inventory: an
  // import that removed a device while it was being polled is not undone by this write.
  const { skipped } = await deps.states.saveLive(
    polled.map(({ state, facts }) => ({ state, change: facts })),
  );
  const gone = new Set(skipped);
  const reports = polled.map((p) => p.report);
  // A status moved: the NOC overview's streams re-read now (src/metrics/overview-feed.ts).
  const moved = polled.filter(
    ({ facts }) => !gone.has(facts.id) && facts.before.status !== facts.after.status,
  ).length;
  if (moved > 0) await deps.redis.publish(deps.keys.deviceStatusChanged(), String(moved));
  await publishPollReports(
    deps.redis,
    deps.keys,
    gone.size === 0 ? reports : reports.filter((r) => !gone.has(r.deviceId)),
    counted,
  );
  return reports;
}

/** The devices still in the inventory, each with its stored state and any reboot Vigil expects of it. */
async function loadPollInputs(deps: BatchDeps, ids: readonly string[]): Promise<PollOneInput[]> {
  const [devices, previous, expected] = await Promise.all([
    deps.inventory.getDevices([...ids]),
    deps.states.load(ids),
    ids.length > 0 ? deps.redis.hmget(deps.keys.expectedReboots(), ...ids) : Promise.resolve([]),
  ]);
  const expectedUntil = new Map<string, number>();
  ids.forEach((id, i) => {
    const until = expected[i];
    if (until) expectedUntil.set(id, Number(until));
  });
  return devices
    .filter((d): d is Device => d !== undefined)
    .map((device) => ({
      device,
      probe: deps.probeFor(device),
      previous: previous.get(device.id),
      expectedRebootUntil: expectedUntil.get(device.id),
    }));
}

/** Polls the batch with at most `concurrency` devices in flight; one device's bug skips that device. */
async function pollConcurrently(deps: BatchDeps, inputs: readonly PollOneInput[]): Promise<DevicePolled[]> {
  const pollDeps = { poller: deps.poller, authProfiles: deps.authProfiles, clock: deps.clock ?? Date.now };
  const polled: DevicePolled[] = [];
  let next = 0;
  const workers = Array.from({ length: Math.min(deps.concurrency ?? 256, inputs.length) }, async () => {
    while (next < inputs.length) {
      const input = inputs[next++] as PollOneInput;
      try {
        const poll = (): Promise<DevicePolled> => pollOneDevice(pollDeps, input);
        polled.push(await (deps.inFlight ? deps.inFlight.run(poll) : poll()));
      } catch (error) {
        // A bug in decoding or detection for one device must not stop the batch.
        deps.log.error({ err: error, deviceId: input.device.id }, 'poll failed unexpectedly');
      }
    }
  });
  await Promise.all(workers);
  return polled;
}
