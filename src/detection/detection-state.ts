import type { PollOutcome, PollSample } from '../probes/poll-result.js';
import type { Finding } from './finding.js';

/**
 * What detection remembers about one device between polls. Plain data (stored as JSON in Redis),
 * owned by detect(): nothing else writes it, except `expectedRebootUntil`, which an action sets
 * before rebooting a device so that the reboot is not reported as unexpected.
 */
export interface DetectionState {
  deviceId: string;
  /** null until the first poll. */
  reachable: boolean | null;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastPollAt?: number;
  lastOutcome?: PollOutcome;
  /** The last sample of an ok or partial poll. */
  lastSample?: PollSample;
  /** Uptime carried across 32-bit TimeTicks wraps (RFC 2578): seconds, and how many wraps so far. */
  uptimeSeconds?: number;
  uptimeWraps: number;
  /** When the device last booted, as derived from sample time − uptime (ms since epoch). */
  bootAt?: number;
  /** Recent detected reboots (ms), pruned to the reboot-loop window. */
  reboots: number[];
  /** A reboot before this time was ours (remote_reboot): not unexpected. */
  expectedRebootUntil?: number;
  /** Recent state changes per key (e.g. "reachability", "interfaces.1"), pruned to the flap window. */
  transitions: Record<string, number[]>;
  /** Last seen state per transition key, to notice changes. */
  lastStates: Record<string, string>;
  /** Hysteresis counters per finding id: consecutive polls with the condition present / absent. */
  pending: Record<string, { present: number; absent: number }>;
  /** Open findings by id. */
  findings: Record<string, Finding>;
}

/**
 * Every field present, optional ones undefined, in the order state-codec.ts's unpack sets them: every
 * state then has one shape, so detection's property reads stay monomorphic and its `{ ...state, field }`
 * copies override a field rather than add one (an added field takes V8's slow path, ~3 µs a copy).
 */
export function initialDetectionState(deviceId: string): DetectionState {
  return {
    deviceId,
    reachable: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastPollAt: undefined,
    lastOutcome: undefined,
    lastSample: undefined,
    uptimeSeconds: undefined,
    uptimeWraps: 0,
    bootAt: undefined,
    reboots: [],
    expectedRebootUntil: undefined,
    transitions: {},
    lastStates: {},
    pending: {},
    findings: {},
  };
}
