import type { Device } from '../inventory/index.js';
import { FALLBACK_PROBE } from '../probes/load-probes.js';
import type { Probe } from '../probes/probe-types.js';
import type { LinkDownAnnouncement, SilenceAnnouncement, TrapNamed } from '../detection/index.js';
import {
  announceLinkDown,
  announceOneDevice,
  type DevicePolled,
  type PollOneInput,
  type PollReport,
} from './poll-one-device.js';
import { loadPollInputs, pollBatch, storeAndPublish, type BatchDeps } from './poll-batch.js';
import type { PollServiceDeps } from './poll-service-deps.js';

export type { PollReport };
export type { PollServiceDeps };

export interface PollService {
  /**
   * Polls these devices now, runs detection, stores their state and publishes finding changes;
   * `trapNamed`: what their trap named, opened at once where the poll agrees (detection/trap-named.ts).
   * The reports' results carry no sample: it was judged and stored (poll-batch.ts).
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
    pollDevices: (ids, by) => pollBatch(batchDeps, ids, by?.trapNamed ? { trapNamed: by.trapNamed } : {}),
    announceSilence: (deviceId, announcement) =>
      storeAnnounced(batchDeps, deviceId, (input) => announceOneDevice(clock, input, announcement)),
    announceLinkDown: (deviceId, announcement) =>
      storeAnnounced(batchDeps, deviceId, (input) => announceLinkDown(clock, input, announcement)),
  };
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
  // A poll of the device may write between this read and this write: the announcement is then judged
  // again on what it wrote (state-version.ts), never lost under it.
  for (let attempt = 1; ; attempt++) {
    const inputs = await loadPollInputs(deps, [deviceId]);
    const judged = inputs.flatMap((input) => judge(input) ?? []);
    const entries = judged.map(({ state, facts }) => ({ state, change: facts }));
    const stored = await storeAndPublish(
      deps,
      entries,
      judged.map((j) => j.report),
      { polls: false },
    );
    if (stored.conflicted.length === 0 || attempt === ANNOUNCE_ATTEMPTS) {
      if (stored.conflicted.length > 0)
        deps.log.warn({ deviceId, attempts: attempt }, 'trap announcement lost to polls of the device');
      return stored.conflicted.length === 0 ? stored.reports[0] : undefined;
    }
  }
}

/** Tries at an announcement's write: each lost one means a poll of the device was written meanwhile. */
const ANNOUNCE_ATTEMPTS = 5;
