import type { Redis } from 'ioredis';
import { countInto, observeInto } from '../platform/fleet-counters.js';
import { detect, initialDetectionState, type Finding, type FindingChange } from '../detection/index.js';
import { authProfileVariables, type Device, type InventoryStore } from '../inventory/index.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import { computeRates } from './compute-rates.js';
import { FALLBACK_PROBE } from '../probes/load-probes.js';
import type { DevicePoller } from './poll-device.js';
import type { PollResult } from '../probes/poll-result.js';
import type { PollerDeviceState, PollerStateStore } from './poller-state-store.js';
import type { Probe } from '../probes/probe-types.js';
import { appendRecent, recentPoint } from './recent-samples.js';
import { statusFacts, type StatusChange, type StatusFacts } from './device-status-index.js';

export interface PollReport {
  deviceId: string;
  result: PollResult;
  changes: FindingChange[];
  findings: Finding[];
}

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
}

export interface PollService {
  /** Polls these devices now, runs detection, stores their state and publishes finding changes. */
  pollDevices(ids: readonly string[]): Promise<PollReport[]>;
  probeFor(device: Device): Probe;
}

/** Finding changes go on a capped stream: the next stages (correlation, conversations) read it. */
const EVENTS_MAXLEN = 100_000;

export function createPollService(deps: PollServiceDeps): PollService {
  const clock = deps.clock ?? Date.now;
  const concurrency = deps.concurrency ?? 256;
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

  const pollOne = async (
    device: Device,
    previous: PollerDeviceState | undefined,
    expectedRebootUntil: number | undefined,
  ): Promise<{
    report: PollReport;
    state: PollerDeviceState;
    facts: { id: string; before: StatusFacts; after: StatusFacts };
  }> => {
    const probe = probeFor(device);
    const prior = previous?.probe === probe.name ? previous : undefined;
    const profile = deps.authProfiles.get(device.auth);
    let output: { result: PollResult; indices: PollerDeviceState['indices'] };
    if (!profile) {
      // A device whose credentials are not configured is an outcome the NOC must see, not a crash; and
      // not auth_failed, which reads as "the device refused us": nothing was sent (see syncSchedule).
      const [community, user] = authProfileVariables(device.auth);
      output = {
        result: {
          deviceId: device.id,
          outcome: 'no_credentials',
          reason: `auth profile "${device.auth}" has no credentials in this poller's environment (${community} or ${user})`,
          meta: { durationMs: 0, retries: 0, pdus: 0 },
        },
        indices: prior?.indices ?? {},
      };
    } else {
      output = await deps.poller.poll(
        { id: device.id, host: device.host, port: device.port, profile },
        probe,
        prior?.indices,
      );
    }
    const stored = prior?.detection ?? initialDetectionState(device.id);
    // A reboot Vigil sent is expected, not a fault: the action says until when (see src/actions/).
    const detectionBefore =
      expectedRebootUntil !== undefined && expectedRebootUntil > (stored.expectedRebootUntil ?? 0)
        ? { ...stored, expectedRebootUntil }
        : stored;
    const rates = output.result.sample
      ? computeRates(probe, detectionBefore.lastSample, output.result.sample)
      : {};
    const { state: detection, changes } = detect({
      probe,
      device: { id: device.id, kind: device.kind },
      state: detectionBefore,
      poll: output.result,
      rates,
      now: clock(),
    });
    return {
      report: {
        deviceId: device.id,
        result: output.result,
        changes,
        findings: Object.values(detection.findings),
      },
      state: {
        probe: probe.name,
        indices: output.indices,
        detection,
        recent: appendRecent(prior?.recent, recentPoint(probe, output.result, rates, clock())),
      },
      facts: { id: device.id, before: statusFacts(previous?.detection), after: statusFacts(detection) },
    };
  };

  const publish = async (reports: PollReport[]): Promise<void> => {
    const pipeline = deps.redis.pipeline();
    let count = 0;
    for (const report of reports) {
      for (const change of report.changes) {
        count += 1;
        pipeline.xadd(
          deps.keys.findingEvents(),
          'MAXLEN',
          '~',
          String(EVENTS_MAXLEN),
          '*',
          'type',
          change.type,
          'deviceId',
          report.deviceId,
          'finding',
          JSON.stringify(change.finding),
        );
      }
    }
    // The fleet's counters (src/metrics/): outcomes, durations, findings opened — one write per batch.
    const outcomes = new Map<string, number>();
    const opened = new Map<string, number>();
    for (const report of reports) {
      outcomes.set(report.result.outcome, (outcomes.get(report.result.outcome) ?? 0) + 1);
      for (const change of report.changes)
        if (change.type === 'opened')
          opened.set(change.finding.kind, (opened.get(change.finding.kind) ?? 0) + 1);
    }
    for (const [outcome, n] of outcomes) countInto(pipeline, deps.keys, 'vigil_polls_total', { outcome }, n);
    for (const [kind, n] of opened)
      countInto(pipeline, deps.keys, 'vigil_findings_opened_total', { kind }, n);
    observeInto(
      pipeline,
      deps.keys,
      'vigil_poll_duration_seconds',
      reports.map((r) => r.result.meta.durationMs / 1000),
    );
    if (count > 0 || reports.length > 0) await pipeline.exec();
  };

  return {
    probeFor,
    async pollDevices(ids) {
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
      const present = devices.filter((d): d is Device => d !== undefined);
      const reports: PollReport[] = [];
      const states: PollerDeviceState[] = [];
      const statusChanges: { id: string; before: StatusFacts; after: StatusFacts }[] = [];
      let next = 0;
      const workers = Array.from({ length: Math.min(concurrency, present.length) }, async () => {
        while (next < present.length) {
          const device = present[next++] as Device;
          try {
            const { report, state, facts } = await pollOne(
              device,
              previous.get(device.id),
              expectedUntil.get(device.id),
            );
            statusChanges.push(facts);
            reports.push(report);
            states.push(state);
          } catch (error) {
            // A bug in decoding or detection for one device must not stop the batch.
            log.error({ err: error, deviceId: device.id }, 'poll failed unexpectedly');
          }
        }
      });
      await Promise.all(workers);
      // State and index entries in one script, and only for devices still in the inventory: an
      // import that removed a device while it was being polled is not undone by this write.
      const { skipped } = await deps.states.saveLive(
        states.map((state, i) => ({ state, change: statusChanges[i] as StatusChange })),
      );
      const gone = new Set(skipped);
      await publish(gone.size === 0 ? reports : reports.filter((r) => !gone.has(r.deviceId)));
      return reports;
    },
  };
}
