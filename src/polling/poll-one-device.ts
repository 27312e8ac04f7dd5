import {
  announcedPoll,
  announceUplinkDown,
  detect,
  initialDetectionState,
  RATES_READ,
  type Finding,
  type FindingChange,
  type LinkDownAnnouncement,
  type SilenceAnnouncement,
  type TrapNamed,
} from '../detection/index.js';
import { authProfileVariables, type Device } from '../inventory/index.js';
import type { AuthProfile } from '../snmp/auth-profile.js';
import type { PollResult } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';
import { computeRates, uptimeWentBack } from './compute-rates.js';
import type { DevicePoller, DevicePollOutput } from './poll-device.js';
import type { PollerDeviceState } from './poller-state-store.js';
import { appendRecent, recentPoint, UPSTREAM_ERRORS_COUNTER } from './recent-samples.js';
import { previousSample } from './previous-sample.js';
import { statusFacts, type StatusFacts } from './device-status-index.js';

/** Rates a poll needs: detection's, and the recent window's upstream errors (the same counter today). */
const POLL_RATES: ReadonlySet<string> = new Set([...RATES_READ, UPSTREAM_ERRORS_COUNTER]);

export interface PollReport {
  deviceId: string;
  result: PollResult;
  changes: FindingChange[];
  findings: Finding[];
}

/** One device polled and judged: its report, its next stored state and its status before and after. */
export interface DevicePolled {
  report: PollReport;
  state: PollerDeviceState;
  facts: { id: string; before: StatusFacts; after: StatusFacts };
}

export interface PollOneInput {
  device: Device;
  probe: Probe;
  /** The device's stored state, whatever probe it was polled with. */
  previous: PollerDeviceState | undefined;
  /** Until when a reboot Vigil sent is expected (epoch ms), if one is. */
  expectedRebootUntil: number | undefined;
  /** What the device's trap named, when this is its re-poll: opened at once if the poll agrees. */
  trapNamed?: TrapNamed;
}

/** Polls one device (or records why it cannot be), then runs detection on the result. */
export async function pollOneDevice(
  deps: { poller: DevicePoller; authProfiles: ReadonlyMap<string, AuthProfile>; clock: () => number },
  input: PollOneInput,
): Promise<DevicePolled> {
  const { device, probe, previous } = input;
  const prior = previous?.probe === probe.name ? previous : undefined;
  const profile = deps.authProfiles.get(device.auth);
  const output = profile
    ? await deps.poller.poll(
        {
          id: device.id,
          host: device.host,
          port: device.port,
          profile,
          ...(device.model !== undefined ? { model: device.model } : {}),
        },
        probe,
        prior?.indices,
      )
    : noCredentials(device, prior);
  return judgeOutput(deps.clock, input, output);
}

/**
 * A trap said the device went silent (its dying gasp, or its parent's loss-of-signal alarm): judged
 * as a failed poll that makes it unreachable at once, with nothing sent (see announced-silence.ts).
 */
export function announceOneDevice(
  clock: () => number,
  input: PollOneInput,
  announcement: SilenceAnnouncement,
): DevicePolled {
  const prior = input.previous?.probe === input.probe.name ? input.previous : undefined;
  const output = { result: announcedPoll(input.device.id, announcement), indices: prior?.indices ?? {} };
  return judgeOutput(clock, input, output, announcement);
}

/**
 * A parent's linkDown trap on its uplink or backhaul: `wan_down` opened at once on the state its last
 * poll left (see announced-uplink-down.ts); undefined when that changes nothing (never polled, not an
 * upstream interface, already open). No poll was made: the report's result repeats the last outcome.
 */
export function announceLinkDown(
  clock: () => number,
  input: PollOneInput,
  announcement: LinkDownAnnouncement,
): DevicePolled | undefined {
  const prior = input.previous?.probe === input.probe.name ? input.previous : undefined;
  if (!prior) return undefined;
  const { state, changes } = announceUplinkDown(prior.detection, input.probe, announcement, clock());
  if (changes.length === 0) return undefined;
  const deviceId = input.device.id;
  return {
    report: {
      deviceId,
      result: {
        deviceId,
        outcome: prior.detection.lastOutcome ?? 'ok',
        reason: `linkDown announced by a trap from ${announcement.reportedBy}`,
        meta: { durationMs: 0, retries: 0, pdus: 0 },
      },
      changes,
      findings: Object.values(state.findings),
    },
    state: { ...prior, detection: state },
    facts: { id: deviceId, before: statusFacts(prior.detection), after: statusFacts(state) },
  };
}

/** Detection on one poll's output: the report, the next stored state, the status before and after. */
function judgeOutput(
  clock: () => number,
  { device, probe, previous, expectedRebootUntil, trapNamed }: PollOneInput,
  output: DevicePollOutput,
  announced?: SilenceAnnouncement,
): DevicePolled {
  const prior = previous?.probe === probe.name ? previous : undefined;
  const stored = prior?.detection ?? initialDetectionState(device.id);
  // A reboot Vigil sent is expected, not a fault: the action says until when (see src/actions/).
  const detectionBefore =
    expectedRebootUntil !== undefined && expectedRebootUntil > (stored.expectedRebootUntil ?? 0)
      ? { ...stored, expectedRebootUntil }
      : stored;
  const rates = output.result.sample
    ? computeRates(probe, detectionBefore.lastSample, output.result.sample, POLL_RATES)
    : {};
  // No conditional spreads: each took V8's slow path at every poll.
  const { state: detection, changes } = detect({
    probe,
    device: { id: device.id, kind: device.kind },
    state: detectionBefore,
    poll: output.result,
    rates,
    now: clock(),
    announced,
    trapNamed,
  });
  // Only what the next poll compares against is stored of this one's sample (previous-sample.ts).
  // In place: detect() returned a state of its own, which nothing else holds.
  if (detection.lastSample && detection.lastSample === output.result.sample)
    detection.lastSample = previousSample(probe, detection.lastSample);
  // Agents number table rows afresh when they start (ifIndex, hrStorageIndex): after a reboot the rows
  // are walked again on the next poll, so new rows are seen and no cell is read from another row.
  const rebooted = uptimeWentBack(
    detectionBefore.lastSample?.scalars.sysUpTime,
    output.result.sample?.scalars.sysUpTime,
  );
  return {
    report: {
      deviceId: device.id,
      result: output.result,
      changes,
      findings: Object.values(detection.findings),
    },
    state: {
      probe: probe.name,
      indices: rebooted ? {} : output.indices,
      detection,
      recent: appendRecent(prior?.recent, recentPoint(probe, output.result, rates, clock())),
      // Written only over the state it was judged from (state-version.ts), even another probe's.
      version: previous?.version,
    },
    facts: { id: device.id, before: statusFacts(previous?.detection), after: statusFacts(detection) },
  };
}

/**
 * A device whose credentials are not configured is an outcome the NOC must see, not a crash; and not
 * auth_failed, which reads as "the device refused us": nothing was sent (see syncSchedule).
 */
function noCredentials(device: Device, prior: PollerDeviceState | undefined): DevicePollOutput {
  const [community, user] = authProfileVariables(device.auth);
  return {
    result: {
      deviceId: device.id,
      outcome: 'no_credentials',
      reason: `auth profile "${device.auth}" has no credentials in this poller's environment (${community} or ${user})`,
      meta: { durationMs: 0, retries: 0, pdus: 0 },
    },
    indices: prior?.indices ?? {},
  };
}
