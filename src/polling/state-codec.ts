import { FLOAT32_OPTIONS, Packr } from 'msgpackr';
import type { DetectionState } from '../detection/index.js';
import type { PollOutcome } from '../probes/poll-result.js';
import { compactSample, expandSample, isCompactSample, type CompactSample } from './compact-sample.js';
import type { PollerDeviceState } from './poller-device-state.js';
import { windowOf, type RecentPoint, type RecentWindow } from './recent-samples.js';

/**
 * A device's poller state as its shard's hash stores it: one msgpack array, each field at a fixed
 * place, so no field name is stored 100k times (they were a fifth of a state's bytes), and no device
 * id either (the hash field is the id). The last sample is the part the next poll needs
 * (previous-sample.ts), its table columns named once (compact-sample.ts); the recent polls are the
 * window's bytes as they are (recent-samples.ts). States written before this layout are still read: a
 * msgpack map, and version 2, whose recent polls were an array of points.
 */
const VERSION = 3;

type StoredState = [
  version: typeof VERSION,
  probe: string,
  indices: PollerDeviceState['indices'],
  reachable: boolean | null,
  consecutiveFailures: number,
  consecutiveSuccesses: number,
  lastPollAt: number | null,
  lastOutcome: PollOutcome | null,
  uptimeSeconds: number | null,
  uptimeWraps: number,
  bootAt: number | null,
  reboots: number[],
  expectedRebootUntil: number | null,
  transitions: DetectionState['transitions'],
  lastStates: DetectionState['lastStates'],
  pending: DetectionState['pending'],
  findings: DetectionState['findings'],
  lastSample: CompactSample | null,
  recent: RecentWindow | null,
];

/** Version 2's recent polls: points, the times after the first as deltas. */
type StoredPoints = RecentPoint[];

// A decimal such as -22.23 dBm or 42.6 % is stored in 4 bytes instead of 8 when it reads back the
// same (DECIMAL_FIT: a float32 rounded to the digits it was written with); any other number as it is.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, useFloat32: FLOAT32_OPTIONS.DECIMAL_FIT });

/** The detection fields packState places (deviceId is the hash field). */
type PlacedField =
  | 'deviceId'
  | 'reachable'
  | 'consecutiveFailures'
  | 'consecutiveSuccesses'
  | 'lastPollAt'
  | 'lastOutcome'
  | 'lastSample'
  | 'uptimeSeconds'
  | 'uptimeWraps'
  | 'bootAt'
  | 'reboots'
  | 'expectedRebootUntil'
  | 'transitions'
  | 'lastStates'
  | 'pending'
  | 'findings';
// A field added to DetectionState must get its place in packState: this fails to compile until it does.
// (A type, not rest destructuring: three rest objects copied every state's fields at every poll.)
const UNPLACED: Record<Exclude<keyof DetectionState, PlacedField>, never> = {};
void UNPLACED;

export function packState(state: PollerDeviceState): Buffer {
  const d = state.detection;
  const stored: StoredState = [
    VERSION,
    state.probe,
    state.indices,
    d.reachable,
    d.consecutiveFailures,
    d.consecutiveSuccesses,
    d.lastPollAt ?? null,
    d.lastOutcome ?? null,
    d.uptimeSeconds ?? null,
    d.uptimeWraps,
    d.bootAt ?? null,
    d.reboots,
    d.expectedRebootUntil ?? null,
    d.transitions,
    d.lastStates,
    d.pending,
    d.findings,
    d.lastSample ? compactSample(d.lastSample) : null,
    state.recent ?? null,
  ];
  return packr.pack(stored);
}

/** `deviceId`: the hash field the state was read from. */
export function unpackState(packed: Buffer, deviceId: string): PollerDeviceState {
  const unpacked: unknown = packr.unpack(packed);
  if (!Array.isArray(unpacked)) return legacyState(unpacked as LegacyState);
  const [
    version,
    probe,
    indices,
    reachable,
    consecutiveFailures,
    consecutiveSuccesses,
    lastPollAt,
    lastOutcome,
    uptimeSeconds,
    uptimeWraps,
    bootAt,
    reboots,
    expectedRebootUntil,
    transitions,
    lastStates,
    pending,
    findings,
    lastSample,
    recent,
  ] = unpacked as StoredState;
  // Every field set, in initialDetectionState's order (absent ones undefined): one shape for every state.
  const detection: DetectionState = {
    deviceId,
    reachable,
    consecutiveFailures,
    consecutiveSuccesses,
    lastPollAt: lastPollAt ?? undefined,
    lastOutcome: lastOutcome ?? undefined,
    lastSample: lastSample === null ? undefined : expandSample(lastSample),
    uptimeSeconds: uptimeSeconds ?? undefined,
    uptimeWraps,
    bootAt: bootAt ?? undefined,
    reboots,
    expectedRebootUntil: expectedRebootUntil ?? undefined,
    transitions,
    lastStates,
    pending,
    findings,
  };
  const state: PollerDeviceState = { probe, indices, detection };
  const window =
    (version as number) === 2 ? windowOf(pointsFromDeltas(recent as unknown as StoredPoints)) : recent;
  // A copy, so that no state holds a view into the Redis client's reply buffers.
  if (window) state.recent = Buffer.from(window);
  return state;
}

/** In place: the points were just unpacked, and nothing else holds them. */
function pointsFromDeltas(stored: StoredPoints | null): StoredPoints {
  let at = 0;
  for (const point of stored ?? []) point[0] = at += point[0];
  return stored ?? [];
}

type LegacyState = Omit<PollerDeviceState, 'recent'> & { recent?: RecentPoint[] };

/** A state stored as a msgpack map, its last sample whole or compact, its recent polls points. */
function legacyState(state: LegacyState): PollerDeviceState {
  const sample: unknown = state.detection.lastSample;
  if (isCompactSample(sample)) state.detection.lastSample = expandSample(sample);
  const { recent, ...rest } = state;
  const window = recent ? windowOf(recent) : undefined;
  return window ? { ...rest, recent: window } : rest;
}
